"""Areas of NYC 311 rows: Borough -> Community Board, with New York's own codes.

Boroughs carry the city's numbers (Manhattan 1, Bronx 2, Brooklyn 3, Queens 4, Staten Island 5)
and a community board "12 QUEENS" the BoroCD code 412 (borough * 100 + board), as in NYC's
community district files, so a boundary file loaded later matches by code. "Unspecified"
boards keep the borough and are flagged; rows with neither are flagged as unknown.
"""
from __future__ import annotations

import re

import pandas as pd

from data.ingest.formats.areas_common import AREA_COLUMNS, CODE_COLUMNS, AreaResult, area_row

_BOARD = re.compile(r"^(\d{1,2})\s+(.+)$")


def resolve_boro_cd(borough: pd.Series, board: pd.Series, boroughs: dict[str, str]) -> AreaResult:
    codes_of = {k.upper(): v for k, v in boroughs.items()}
    names_of = {v: k.upper() for k, v in boroughs.items()}
    keys = pd.DataFrame({"b": borough, "c": board}).astype(object)
    new: dict[str, dict] = {}
    result = {}
    for b, c in keys.drop_duplicates().itertuples(index=False, name=None):
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
    rows = [result[k] for k in keys.itertuples(index=False, name=None)]
    codes = pd.DataFrame([r[0] for r in rows], columns=CODE_COLUMNS, index=borough.index, dtype=object)
    flag_series = pd.Series([r[1] for r in rows], index=borough.index, dtype=object)
    flags = []
    for code in ("area_mismatch", "area_partial", "area_unknown"):
        hit = flag_series.map(lambda f, c=code: f is not None and f[0] == c)
        if hit.any():
            flags.append((hit[hit].index, code, flag_series[hit].map(lambda f: f[1])))
    return AreaResult(codes, pd.DataFrame(list(new.values()), columns=AREA_COLUMNS), flags)
