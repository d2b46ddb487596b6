"""Small known databases for SQL and page tests: schema.sql plus a few hand-written rows."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from data.store import apply_schema

AREAS = [
    # code, name, level, parent, district, street, community
    ("430902", "资阳区", 1, None, "430902", None, None),
    ("430903", "赫山区", 1, None, "430903", None, None),
    ("430902001", "汽车路街道", 2, "430902", "430902", "430902001", None),
    ("430903001", "桃花仑街道", 2, "430903", "430903", "430903001", None),
    ("430902001001", "大码头社区", 3, "430902001", "430902", "430902001", "430902001001"),
    ("430903001001", "龙洲社区", 3, "430903001", "430903", "430903001", "430903001001"),
    ("430902001001001", "大码头社区第1网格", 4, "430902001001", "430902", "430902001", "430902001001"),
    ("430903001001001", "龙洲社区第1网格", 4, "430903001001", "430903", "430903001", "430903001001"),
]
SQUARE = '{"type":"Polygon","coordinates":[[[112.3,28.5],[112.4,28.5],[112.4,28.6],[112.3,28.6],[112.3,28.5]]]}'


def new_db(path: Path | str = ":memory:") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    apply_schema(con)
    con.executemany("INSERT INTO area_levels VALUES (?, ?)", [(1, "区县"), (2, "街道(乡镇)"), (3, "社区(村)"), (4, "网格")])
    for code, name, level, parent, d, s, c in AREAS:
        con.execute(
            "INSERT INTO areas VALUES ($code, $name, $level, $parent, $d, $s, $c, 10000, 28.55, 112.35, $geo, $syn)",
            {"code": code, "name": name, "level": level, "parent": parent, "d": d, "s": s if level >= 2 else None,
             "c": c if level >= 3 else None, "geo": SQUARE, "syn": level > 1},
        )
    con.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?)", [
        ("C001", "市城管局", "city_bureau", "市直部门", None),
        ("D43090201", "资阳区城管局", "district_bureau", "区县部门", "430902"),
        ("D43090301", "赫山区城管局", "district_bureau", "区县部门", "430903"),
    ])
    con.executemany("INSERT INTO categories VALUES (?, ?, ?, ?, ?, ?)", [
        ("S0101", "event", "S01", "市容环境", "01", "暴露垃圾"),
        ("B0201", "component", "B02", "道路交通", "01", "路灯"),
    ])
    con.execute("INSERT INTO meta VALUES ('last_write_at', '2026-11-23T09:00:00', '2026-11-23 09:00:00')")
    return con


def add_steps(con: duckdb.DuckDBPyConnection) -> None:
    """The steps reference table (names of the lifecycle steps), as data/reference/steps.csv has it."""
    con.executemany("INSERT INTO steps VALUES (?, ?, ?, NULL, ?, NULL)", [
        ("report", 1, "上报", "reported_at"), ("accept", 2, "受理", "accepted_at"), ("file", 3, "立案", "filed_at"),
        ("dispatch", 4, "派遣", "dispatched_at"), ("handle", 5, "处置", "handled_at"),
        ("verify", 6, "核查", "verified_at"), ("close", 7, "结案", "closed_at")])


_case_seq = [0]


def add_case(con: duckdb.DuckDBPyConnection, *, district: str = "430902", reported_at: datetime,
             **fields) -> int:
    """Inserts one case; unspecified step columns are NULL, flags false. Returns case_id."""
    _case_seq[0] += 1
    case_id = fields.pop("case_id", _case_seq[0])
    street = {"430902": "430902001", "430903": "430903001"}.get(district)
    row = {
        "case_id": case_id, "case_no": f"S010120261101{case_id:05d}", "source": "grid", "kind": "event",
        "category_code": "S0101", "major_code": "S01", "district_code": district, "street_code": street,
        "community_code": street + "001" if street else None, "grid_code": street + "001001" if street else None,
        "lat": 28.55, "lon": 112.35, "unit_code": "D" + district + "01", "status": "reported",
        "reported_at": reported_at, "reported_date": reported_at.date(),
        "reported_month": date(reported_at.year, reported_at.month, 1), "reported_hour": reported_at.hour,
        "updated_at": reported_at, "origin": "test",
    }
    row.update(fields)
    columns = list(row)
    placeholders = ", ".join(f"${c}" for c in columns)
    con.execute(f"INSERT INTO cases ({', '.join(columns)}) VALUES ({placeholders})", row)  # noqa: S608 - test builder
    return case_id
