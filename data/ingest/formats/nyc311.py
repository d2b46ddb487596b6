"""Areas of NYC 311 rows: Borough -> Community Board, with New York's own codes.

Boroughs carry the city's numbers (Manhattan 1, Bronx 2, Brooklyn 3, Queens 4, Staten Island 5)
and a community board "12 QUEENS" the BoroCD code 412 (borough * 100 + board), as in NYC's
community district files, so a boundary file loaded later matches by code. "Unspecified"
boards keep the borough and are flagged; rows with neither are flagged as unknown.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data.ingest.normalise import unique_rows
from data.ingest.formats.areas_common import AREA_COLUMNS, CODE_COLUMNS, AreaResult, area_row

_BOARD = re.compile(r"^(\d{1,2})\s+(.+)$")


def resolve_boro_cd(borough: pd.Series, board: pd.Series, boroughs: dict[str, str]) -> AreaResult:
    codes_of = {k.upper(): v for k, v in boroughs.items()}
    names_of = {v: k.upper() for k, v in boroughs.items()}
    inverse, uniques = unique_rows(pd.DataFrame({"b": borough, "c": board}))
    new: dict[str, dict] = {}
    result = {}
    for b, c in uniques:
        b_code = codes_of.get(b.upper())
        m = _BOARD.match(c)
        c_borough = codes_of.get(m.group(2).upper()) if m else None
        if m and c_borough and int(m.group(1)) > 0:
            district, street = c_borough, f"{c_borough}{int(m.group(1)):02d}"
            flag = None
            if b_code and b_code != c_borough:
                flag = ("area_mismatch", f"Borough“{b}”与 Community Board“{c}”不一致，按社区委员会归属")
            new.setdefault(district, area_row(district, names_of[district], 1, []))
            new.setdefault(street, area_row(street, f"{int(m.group(1)):02d} {names_of[district]}", 2, [district]))
        else:
            tail = c.split(" ", 1)[-1].upper() if c else ""
            district = b_code or codes_of.get(tail)
            street = None
            if district:
                new.setdefault(district, area_row(district, names_of[district], 1, []))
                flag = ("area_partial", c or "（空）")
            else:
                flag = ("area_unknown", f"Borough“{b}”，Community Board“{c}”")
        result[(b, c)] = ((district, street, None, None), flag)
    codes_u = np.array([result[k][0] for k in uniques], dtype=object).reshape(-1, 4)
    codes = pd.DataFrame(codes_u[inverse], columns=CODE_COLUMNS, index=borough.index, dtype=object)
    flags_u = [result[k][1] for k in uniques]
    flags = []
    for code in ("area_mismatch", "area_partial", "area_unknown"):
        hit_u = np.array([f is not None and f[0] == code for f in flags_u], dtype=bool)
        rows = np.flatnonzero(hit_u[inverse]) if len(inverse) else np.zeros(0, dtype=np.int64)
        if len(rows):
            flags.append((borough.index[rows], code, pd.Series([flags_u[u][1] for u in inverse[rows]], dtype=object)))
    return AreaResult(codes, pd.DataFrame(list(new.values()), columns=AREA_COLUMNS), flags)
