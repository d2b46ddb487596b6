"""Areas of Chinese case exports: 所属区县 / 所属街道 / 所属社区 / 所属网格 given as names or codes.

Each level is looked up among the children of the level above (by code or exact name, after
NFKC). A name the database does not know becomes a new area when the mapping allows it
(create_missing), with a code derived from its parent and name, and the row is flagged
'area_created'; otherwise the row keeps the levels found so far and is flagged. Rows naming no
area at all are left to the point-in-polygon step.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from data.ingest.formats.areas_common import AREA_COLUMNS, CODE_COLUMNS, AreaResult, area_row
from data.ingest.normalise import unique_rows
from data.ingest.refs import digit_code


def resolve_area_names(values: pd.DataFrame, db_areas: pd.DataFrame, *, create_missing: bool) -> AreaResult:
    """values: columns area1..area4 of cleaned strings ('' = not given)."""
    children: dict[tuple[str | None, int], dict[str, str]] = {}
    for a in db_areas.itertuples(index=False):
        parent = None if pd.isna(a.parent_code) else a.parent_code
        slot = children.setdefault((parent, int(a.level)), {})
        slot.setdefault(a.area_code, a.area_code)
        slot.setdefault(a.name, a.area_code)
    known_codes = set(db_areas.area_code)
    cols = ["area1", "area2", "area3", "area4"]
    inverse, uniques = unique_rows(values[cols])
    new: dict[str, dict] = {}
    result: dict[tuple, tuple] = {}
    for key in uniques:
        chain: list[str] = []
        flag = None
        for level, value in enumerate(key, start=1):
            if not value:
                if any(key[level:]):
                    flag = ("area_partial", "、".join(v for v in key[level:] if v))
                break
            parent = chain[-1] if chain else None
            code = children.get((parent, level), {}).get(value)
            if code is None and create_missing:
                code = digit_code(str(level), parent or "", value)
                if code in known_codes and code not in new:
                    code = None  # a hash collision with another area: do not merge two places
                else:
                    new.setdefault(code, area_row(code, value, level, list(chain)))
                    children.setdefault((parent, level), {})[value] = code
                    created = (flag[2] if flag and flag[0] == "area_created" else 0) + 1
                    flag = ("area_created", "/".join(v for v in key[:level] if v) + f"（新建 {created} 级）", created)
            if code is None:
                flag = ("area_partial" if chain else "area_unknown", "/".join(v for v in key if v))
                break
            chain.append(code)
        result[key] = (tuple((chain + [None] * 4)[:4]), flag)
    codes_u = np.array([result[k][0] for k in uniques], dtype=object).reshape(-1, 4)
    codes = pd.DataFrame(codes_u[inverse], columns=CODE_COLUMNS, index=values.index, dtype=object)
    flags_u = [result[k][1] for k in uniques]
    # A new area is reported once, on the first row that names it, not on every row.
    first_row = np.full(len(uniques), -1, dtype=np.int64)
    first_row[inverse[::-1]] = np.arange(len(inverse))[::-1]
    flags = []
    for code in ("area_created", "area_partial", "area_unknown"):
        hit_u = np.array([f is not None and f[0] == code for f in flags_u], dtype=bool)
        if not hit_u.any():
            continue
        rows = np.flatnonzero(hit_u[inverse])
        if code == "area_created":
            rows = np.sort(first_row[hit_u])
        flags.append((values.index[rows], code,
                      pd.Series([flags_u[u][1] for u in inverse[rows]], dtype=object)))
    return AreaResult(codes, pd.DataFrame(list(new.values()), columns=AREA_COLUMNS), flags)
