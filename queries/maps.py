"""Typed functions over the map query files: case points and hexagon bins. No streamlit here."""
from __future__ import annotations

import pandas as pd

from queries.runner import CursorSource, fetch
from queries.scope import Scope

# Which cases a point or density layer shows; an allow-list (bound as a value, chosen in SQL by CASE).
POINT_SETS = {"accepted": "受理案件", "overdue": "超期未处置案件"}
MAX_POINTS = 10_000     # above this the page sends hexagon counts, never points
# Hexagon circumradius per map level (1 = whole city ... 4 = grids of one community), in metres:
# a few hundred to a few thousand cells at each level.
HEX_METRES = {1: 2500.0, 2: 1200.0, 3: 400.0, 4: 120.0}
STATUS_LABELS = {"reported": "已上报", "accepted": "已受理", "filed": "已立案", "dispatched": "已派遣",
                 "handled": "已处置", "verified": "已核查", "closed": "已结案", "cancelled": "已作废",
                 "shelved": "挂账", "not_filed": "不予立案"}


def case_points(source: CursorSource, scope: Scope, point_set: str, limit: int = MAX_POINTS) -> pd.DataFrame:
    if point_set not in POINT_SETS:
        raise ValueError(f"point_set must be one of {sorted(POINT_SETS)}")
    return fetch(source, "case_points", scope, point_set=point_set, limit=min(int(limit), MAX_POINTS))


def case_hexbins(source: CursorSource, scope: Scope, point_set: str, hex_m: float, lat0: float) -> pd.DataFrame:
    """Counts per hexagon of circumradius `hex_m` metres (centres in WGS84)."""
    if point_set not in POINT_SETS:
        raise ValueError(f"point_set must be one of {sorted(POINT_SETS)}")
    if not 20 <= hex_m <= 50_000:
        raise ValueError("hex_m must be between 20 m and 50 km")
    return fetch(source, "case_hexbins", scope, point_set=point_set, hex_m=float(hex_m), lat0=float(lat0))
