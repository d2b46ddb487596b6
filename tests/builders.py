"""Small known databases for SQL and page tests: schema.sql plus a few hand-written rows."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from data.store import REFRESH_SPAN_PATH, apply_schema, refresh_open_cases

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
    con.executemany("INSERT INTO sources VALUES (?, ?, ?)", [
        ("grid", "网格员上报", False), ("hotline", "12345热线", False), ("supervision", "领导督办", True),
    ])
    con.execute("INSERT INTO meta VALUES ('last_write_at', '2026-11-23T09:00:00', '2026-11-23 09:00:00')")
    return con


def window_scope(**kw):
    """A Scope for SQL tests: demo access, window 2026-11-01 .. 2026-11-23 (exclusive), now
    2026-11-23 10:00; keyword arguments override any field."""
    from queries.scope import Access, Scope

    base = dict(start_date=date(2026, 11, 1), end_date=date(2026, 11, 23), access=Access.demo(),
                now_at=datetime(2026, 11, 23, 10, 0))
    return Scope(**(base | kw))


def add_steps(con: duckdb.DuckDBPyConnection) -> None:
    """The steps reference table (names of the lifecycle steps), as data/reference/steps.csv has it."""
    con.executemany("INSERT INTO steps VALUES (?, ?, ?, NULL, ?, NULL)", [
        ("report", 1, "上报", "reported_at"), ("accept", 2, "受理", "accepted_at"), ("file", 3, "立案", "filed_at"),
        ("dispatch", 4, "派遣", "dispatched_at"), ("handle", 5, "处置", "handled_at"),
        ("verify", 6, "核查", "verified_at"), ("close", 7, "结案", "closed_at")])


_case_seq = [0]
CASE_DEFAULTS = {"is_cancelled": False, "is_shelved": False, "is_deferred": False, "is_extended": False,
                 "is_self_handled": False, "deferred_hours": 0.0, "rework_count": 0, "dispatch_count": 0}


def _case_row(case_id: int, district: str, reported_at: datetime, fields: dict) -> dict:
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
    return row


def add_cases(con: duckdb.DuckDBPyConnection, cases: list[dict]) -> list[int]:
    """Inserts many cases at once; each dict takes the keyword arguments of add_case."""
    rows = []
    for fields in cases:
        fields = dict(fields)
        _case_seq[0] += 1
        case_id = fields.pop("case_id", _case_seq[0])
        rows.append(_case_row(case_id, fields.pop("district", "430902"), fields.pop("reported_at"), fields))
    frame = pd.DataFrame(rows)
    # A flag or count given for some rows takes its schema default in the others; columns absent
    # from every row stay NULL / default; NaT and NaN become NULL.
    for col, default in CASE_DEFAULTS.items():
        if col in frame:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), default).astype(type(default))
    frame = frame.astype({c: "datetime64[us]" for c in frame.columns if c.endswith("_at")})
    con.register("new_test_cases", frame)
    try:
        con.execute("INSERT INTO cases BY NAME SELECT * FROM new_test_cases")
    finally:
        con.unregister("new_test_cases")
    refresh_read_columns(con)
    return [r["case_id"] for r in rows]


def add_case(con: duckdb.DuckDBPyConnection, *, district: str = "430902", reported_at: datetime,
             **fields) -> int:
    """Inserts one case; unspecified step columns are NULL, flags false. Returns case_id."""
    _case_seq[0] += 1
    case_id = fields.pop("case_id", _case_seq[0])
    row = _case_row(case_id, district, reported_at, fields)
    _insert(con, "cases", row)
    refresh_read_columns(con)
    return case_id


def refresh_read_columns(con: duckdb.DuckDBPyConnection) -> None:
    """The derived columns queries read on this connection, as data.store.refresh_derived sets them
    before a publish: each case's span and overdue_from_at, the open cases, reporter keys and working minutes.
    refresh_derived's third part, the scrubbed forms of free text (data/snapshot.py), is read only when a snapshot is written,
    and data.store.publish refreshes everything itself; it took 70 of the 75 ms of every add_case."""
    from data.reporter_key import refresh_reporter_keys
    from data.store import refresh_case_work_minutes

    con.execute(REFRESH_SPAN_PATH.read_text(encoding="utf-8"))
    refresh_open_cases(con)
    refresh_reporter_keys(con)
    refresh_case_work_minutes(con)


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    columns = list(row)
    placeholders = ", ".join(f"${c}" for c in columns)
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", row)  # noqa: S608 - test builder


def refresh_case_handoffs(con: duckdb.DuckDBPyConnection) -> None:
    from data.store import refresh_case_handoffs as rebuild
    rebuild(con)


def add_step(con: duckdb.DuckDBPyConnection, case_id: int, seq: int, step: str, step_at: datetime, *,
             unit_code: str | None = None, deadline_at: datetime | None = None, opinion: str | None = None) -> None:
    _insert(con, "case_steps", {"case_id": case_id, "seq": seq, "step": step, "unit_code": unit_code,
                                "step_at": step_at, "deadline_at": deadline_at, "opinion": opinion})
    refresh_case_handoffs(con)   # built from the steps at publish (data.store.refresh_derived)


def add_private(con: duckdb.DuckDBPyConnection, case_id: int, *, name: str | None = None, phone: str | None = None,
                id_no: str | None = None, address: str | None = None, confidential: bool = False) -> None:
    _insert(con, "case_private", {"case_id": case_id, "reporter_name": name, "reporter_phone": phone,
                                  "reporter_id_no": id_no, "address": address, "is_confidential": confidential})


# ── people stream: one row each; communities default to the two of AREAS ──
COMMUNITY_A, COMMUNITY_B = "430902001001", "430903001001"   # 大码头社区 (资阳区), 龙洲社区 (赫山区)


def add_pairing(con, pairing_id: int, unit_code: str, community_code: str, *, secretary_id: int | None = None,
                since: date = date(2025, 1, 1), until: date | None = None) -> None:
    _insert(con, "pairings", {"pairing_id": pairing_id, "unit_code": unit_code, "community_code": community_code,
                              "first_secretary_person_id": secretary_id, "since_date": since, "until_date": until})


def add_person(con, person_id: int, name: str, *, role: str = "cadre", unit_code: str | None = None,
               community: str = COMMUNITY_A, assigned: bool = True, joined: date = date(2025, 1, 1)) -> None:
    _insert(con, "people", {"person_id": person_id, "name": name, "role": role, "unit_code": unit_code,
                            "home_community_code": community, "team_id": None, "is_assigned": assigned,
                            "joined_date": joined})


_checkin_seq = [0]


def add_checkin(con, person_id: int, at: datetime, *, purpose: str = "service", community: str = COMMUNITY_A) -> None:
    _checkin_seq[0] += 1
    _insert(con, "checkins", {"checkin_id": _checkin_seq[0], "person_id": person_id, "community_code": community,
                              "checkin_at": at, "checkin_date": at.date(), "purpose": purpose})


def add_activity(con, activity_id: int, start_at: datetime, *, hours: float, people: tuple[int, ...] = (),
                 community: str = COMMUNITY_A, unit_code: str | None = None, kind: str = "环境整治") -> None:
    from datetime import timedelta

    _insert(con, "activities", {"activity_id": activity_id, "title": f"{kind}活动", "kind": kind,
                                "community_code": community, "unit_code": unit_code, "team_id": None,
                                "start_at": start_at, "end_at": start_at + timedelta(hours=hours),
                                "activity_date": start_at.date()})
    for person in people:
        _insert(con, "activity_participants", {"activity_id": activity_id, "person_id": person, "hours": hours})


def add_whistle(con, whistle_id: int, at: datetime, *, calls: tuple[tuple[str, datetime | None, int], ...] = (),
                solved_at: datetime | None = None, community: str = COMMUNITY_A, category: str = "基础设施",
                problem_count: int = 1) -> None:
    """calls: (unit_code, reported_in_at or None, staff_count)."""
    _insert(con, "whistles", {"whistle_id": whistle_id, "community_code": community, "whistled_at": at,
                              "problem": "排水不畅内涝", "category": category, "problem_count": problem_count,
                              "solved_at": solved_at})
    for unit, reported_in, staff in calls:
        _insert(con, "whistle_calls", {"whistle_id": whistle_id, "unit_code": unit, "called_at": at,
                                       "reported_in_at": reported_in, "staff_count": staff})


def add_wish(con, wish_id: int, posted_at: datetime, value_yuan: float, *, claimed_at: datetime | None = None,
             completed_at: datetime | None = None, unit_code: str | None = None, community: str = COMMUNITY_A) -> None:
    _insert(con, "wishes", {"wish_id": wish_id, "community_code": community, "title": "学习桌椅",
                            "value_yuan": value_yuan, "posted_at": posted_at, "claimed_at": claimed_at,
                            "claimed_by_unit_code": unit_code, "claimed_by_person_id": None,
                            "completed_at": completed_at})


def add_need(con, need_id: int, posted_at: datetime, *, claimed_at: datetime | None = None,
             unit_code: str | None = None, community: str = COMMUNITY_A) -> None:
    _insert(con, "needs", {"need_id": need_id, "community_code": community, "title": "老年食堂", "kind": "民生服务",
                           "posted_at": posted_at, "claimed_at": claimed_at, "claimed_by_unit_code": unit_code})


def add_resource(con, resource_id: int, unit_code: str, offered_at: datetime) -> None:
    _insert(con, "resources", {"resource_id": resource_id, "unit_code": unit_code, "title": "医疗义诊队伍",
                               "kind": "医疗", "offered_at": offered_at})


def add_project(con, project_id: int, unit_code: str, started_at: datetime, *, need_id: int | None = None,
                resource_id: int | None = None, completed_at: datetime | None = None,
                community: str = COMMUNITY_A) -> None:
    _insert(con, "projects", {"project_id": project_id, "community_code": community, "unit_code": unit_code,
                              "need_id": need_id, "resource_id": resource_id, "title": "健康义诊项目",
                              "started_at": started_at, "completed_at": completed_at})


def add_order(con, order_id: int, round_no: int, unit_code: str, issued_at: datetime, due_at: datetime, *,
              rectified_at: datetime | None = None, community: str | None = COMMUNITY_A) -> None:
    _insert(con, "supervision_orders", {"order_id": order_id, "round_no": round_no, "unit_code": unit_code,
                                        "community_code": community, "problem": "背街小巷卫生死角",
                                        "issued_at": issued_at, "due_at": due_at, "rectified_at": rectified_at})


def add_calendar(con: duckdb.DuckDBPyConnection, start: date = date(2026, 1, 1), end: date = date(2026, 12, 31)) -> None:
    """Calendar rows (working days with the 2026 holidays and 调休) as the seeder writes them."""
    from data.worktime import WorkCalendar

    frame = WorkCalendar().calendar_frame(start, end)
    con.register("new_calendar_rows", frame)
    try:
        con.execute("INSERT INTO calendar SELECT * FROM new_calendar_rows")
    finally:
        con.unregister("new_calendar_rows")


def fetched_names(monkeypatch, module) -> list[str]:
    """The names of the queries `module` runs through its `fetch` from now on, in order (the list
    fills as they run): for tests of which statements a path issues."""
    names = []
    real = module.fetch

    def recording(source, name, scope, **params):
        names.append(name)
        return real(source, name, scope, **params)

    monkeypatch.setattr(module, "fetch", recording)
    return names


def publish_kpi_daily(con: duckdb.DuckDBPyConnection, rules, day: date) -> int:
    """kpi_daily and kpi_daily_unsettled (B for `day`) built under `rules` (a Scope carrying the KPI rules),
    with the meta a publish on `day` sets; the number of kpi_daily rows."""
    from data.store import set_meta
    from queries import kpi_daily

    key, rows = kpi_daily.build(con, rules, day)
    set_meta(con, "kpi_daily_unsettled_day", day.isoformat())
    set_meta(con, "kpi_daily_rules", key)
    return rows


def seeded_copy(root: Path, n_cases: int, seed: int, today: date) -> duckdb.DuckDBPyConnection:
    """A writable connection to a copy of the published snapshot of a seeded city built in `root`."""
    import shutil

    from data.config import published_path
    from data.seed import build

    build(root / "city.duckdb", n_cases=n_cases, seed=seed, today=today, progress=lambda *a: None)
    copy = root / "copy.duckdb"
    shutil.copyfile(published_path(root / "city.duckdb"), copy)
    return duckdb.connect(str(copy))


def unequal_frames(pairs) -> int:
    """How many (got, want) frame pairs differ by pandas' exact comparison (values, dtypes, rows, order)."""
    bad = 0
    for got, want in pairs:
        try:
            pd.testing.assert_frame_equal(got, want, check_exact=True)
        except AssertionError:
            bad += 1
    return bad


@contextmanager
def rows_removed(con: duckdb.DuckDBPyConnection, table: str, where: str, params: dict):
    """Deletes `table`'s rows matching `where` for the block and puts them back after it, whatever the block
    raised; yields the removed rows. `table` and `where` are the test's constant text, values $parameters."""
    rows = con.execute(f"SELECT * FROM {table} WHERE {where}", params).df()  # noqa: S608 - test constants
    con.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608 - test constants
    try:
        yield rows
    finally:
        con.register("removed_rows", rows)
        con.execute(f"INSERT INTO {table} SELECT * FROM removed_rows")  # noqa: S608 - test constants
        con.unregister("removed_rows")
