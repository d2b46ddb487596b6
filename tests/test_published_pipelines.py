"""The two published pipelines of domain.md, rebuilt from record-level rows and read back exactly,
from SQL and from the pages as displayed.

天门, one month (October 2026 here): 受理 1,054 → 立案 996 → 应结案 972 → 结案 911 (93.72%) →
按期结案 737 (75.82%). 赤壁, one quarter (Q3 2026): 7,534 accepted, 7,389 filed and dispatched,
6,967 closed → 处置率 94.29%. Each data set mixes in what must not count: cases accepted the day
before the period, filed or dispatched the day after, not filed (不予立案), shelved (挂账),
deferred (缓办), cancelled (作废), closed after the period, still open, due earlier.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from data.config import load_city
from queries import cases as q
from queries.kpis import apply_rules, format_value, kpi_value, registry
from queries.scope import Access, Scope
from tests.builders import add_cases, new_db
from tests.pagetools import clear_caches, metric_values, use_test_db

KPIS = registry(load_city())
NOW = "2026-11-23T10:00:00"
D = datetime


def _day(month: int, i: int, hour: int, minute: int = 0, year: int = 2026, days: int = 28) -> datetime:
    return D(year, month, 1 + i % days, hour, minute)


def _steps(t: datetime, **kw) -> dict:
    """Reported at t, accepted, filed and dispatched within the half hour."""
    return dict(reported_at=t, accepted_at=t + timedelta(minutes=10), filed_at=t + timedelta(minutes=20),
                dispatched_at=t + timedelta(minutes=30), dispatch_count=1, status="dispatched") | kw


def _closed(t: datetime, deadline: datetime, closed_at: datetime | None, **kw) -> dict:
    done = {} if closed_at is None else dict(handled_at=closed_at - timedelta(hours=1), verified_at=closed_at,
                                             closed_at=closed_at, status="closed")
    return _steps(t, deadline_at=deadline, **done) | kw


def tianmen_rows() -> list[dict]:
    rows = []
    # A: 966 filed and due in October: 731 on time, 174 late but closed in October, 40 closed in
    # November, 21 still open.
    for i in range(966):
        t = _day(10, i, 9)
        deadline = t.replace(hour=17)
        closed_at = (t.replace(hour=15) if i < 731 else t + timedelta(days=1, hours=1) if i < 905
                     else D(2026, 11, 3, 10) if i < 945 else None)
        rows.append(_closed(t, deadline, closed_at))
    # B: 6 accepted and filed on 30 September, due and closed on time in October.
    rows += [_closed(D(2026, 9, 30, 20), D(2026, 10, 8, 10), D(2026, 10, 8, 9)) for _ in range(6)]
    # C: 4 deferred (缓办), filed and due in October: out of 应结案 by configuration.
    rows += [_closed(_day(10, i, 9), _day(10, i, 17), _day(10, i, 17) + timedelta(days=2), is_deferred=True)
             for i in range(4)]
    # D: 26 filed at the end of October, due in November.
    rows += [_closed(D(2026, 10, 30, 9), D(2026, 11, 2, 17), D(2026, 11, 2, 10)) for _ in range(26)]
    # E: 50 accepted, not filed (不予立案).
    rows += [dict(reported_at=_day(10, i, 9), accepted_at=_day(10, i, 9, 10), status="not_filed") for i in range(50)]
    # F: 8 accepted and filed, then shelved (挂账).
    rows += [_steps(_day(10, i, 9), dispatched_at=None, dispatch_count=0, is_shelved=True, status="shelved")
             for i in range(8)]
    # G: 12 cancelled reports (作废), never accepted.
    rows += [dict(reported_at=_day(10, i, 9), is_cancelled=True, status="cancelled") for i in range(12)]
    # H: 5 due in September, closed late in October.
    rows += [_closed(D(2026, 9, 20, 9), D(2026, 9, 25, 17), D(2026, 10, 3, 9)) for _ in range(5)]
    return rows


def chibi_rows() -> list[dict]:
    rows = []
    # 7,079 accepted, filed and dispatched in Q3: 6,657 closed in Q3, 400 in October, 22 open.
    for i in range(7079):
        t = _day(7 + i % 3, i // 3, 9)
        closed_at = t + timedelta(days=1) if i < 6657 else D(2026, 10, 5, 9) if i < 7057 else None
        rows.append(_closed(t, t + timedelta(days=2), closed_at))
    # 300 handled on the spot by grid workers (自行处置), closed the same day.
    rows += [dict(reported_at=_day(8, i, 9), accepted_at=_day(8, i, 9, 5), filed_at=_day(8, i, 9, 10),
                  handled_at=_day(8, i, 9, 30), verified_at=_day(8, i, 9, 40), closed_at=_day(8, i, 10),
                  is_self_handled=True, deadline_at=_day(8, i, 17), status="closed") for i in range(300)]
    # 10 accepted on 30 June, filed and dispatched on 1 July: in the denominator, not in 受理.
    rows += [_closed(D(2026, 6, 30, 23, 20), D(2026, 7, 3, 17), D(2026, 7, 2, 9), filed_at=D(2026, 7, 1, 7, 10),
                     dispatched_at=D(2026, 7, 1, 7, 30)) for _ in range(10)]
    # 10 accepted on 30 September late, filed on 1 October: in 受理, not in the denominator.
    rows += [dict(reported_at=D(2026, 9, 30, 23, 30), accepted_at=D(2026, 9, 30, 23, 40), filed_at=D(2026, 10, 1, 7, 5),
                  dispatched_at=D(2026, 10, 1, 7, 30), dispatch_count=1, status="dispatched") for _ in range(10)]
    # 5 filed on 30 September, dispatched on 1 October: not filed-and-dispatched in Q3.
    rows += [dict(reported_at=D(2026, 9, 30, 20), accepted_at=D(2026, 9, 30, 20, 30), filed_at=D(2026, 9, 30, 21),
                  dispatched_at=D(2026, 10, 1, 8), dispatch_count=1, status="dispatched") for _ in range(5)]
    # 115 not filed, 25 shelved, 40 cancelled.
    rows += [dict(reported_at=_day(9, i, 9), accepted_at=_day(9, i, 9, 10), status="not_filed") for i in range(115)]
    rows += [_steps(_day(9, i, 9), dispatched_at=None, dispatch_count=0, is_shelved=True, status="shelved")
             for i in range(25)]
    rows += [dict(reported_at=_day(9, i, 9), is_cancelled=True, status="cancelled") for i in range(40)]
    return rows


def build(rows):
    con = new_db()
    add_cases(con, rows)
    return con


def window_scope(start: date, end: date) -> Scope:
    return apply_rules(Scope(start, end, Access.demo(), now_at=datetime.fromisoformat(NOW)), load_city())


def shown(row, key: str) -> str:
    return format_value(kpi_value(row, KPIS[key]), KPIS[key].fmt)


def test_tianmen_monthly_pipeline_comes_out_exactly_from_the_records():
    con = build(tianmen_rows())
    row = q.case_kpis(con, window_scope(date(2026, 10, 1), date(2026, 11, 1)))
    assert [shown(row, k) for k in ("accepted", "filed", "due", "closed", "closing_rate", "on_time_closed",
                                    "on_time_rate")] == ["1,054", "996", "972", "911", "93.72%", "737", "75.82%"]
    # What the bulletin does not show, but the records say: 4 deferred cases left the denominator;
    # 920 closures happened in October (incl. 5 due in September and the 4 deferred); 21 are overdue now.
    assert (row.due_deferred_count, row.closed_count, row.overdue_open_count) == (4, 920, 21)


def test_chibi_quarterly_disposal_rate_comes_out_exactly_from_the_records():
    con = build(chibi_rows())
    row = q.case_kpis(con, window_scope(date(2026, 7, 1), date(2026, 10, 1)))
    assert (int(row.accepted_count), int(row.disposal_den), int(row.disposal_num)) == (7534, 7389, 6967)
    assert shown(row, "disposal_rate") == "94.29%"


@pytest.fixture
def published(tmp_path, monkeypatch):
    def publish(rows):
        con = build(rows)
        use_test_db(con, tmp_path, monkeypatch, now=NOW)
        con.close()
    yield publish
    clear_caches()


def run_page(page: str, start: str, end: str) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    if page != "dashboard.py":
        at.switch_page(page)
    at.query_params.update({"range": "custom", "start": start, "end": end})
    at.run()
    assert not at.exception
    return at


def test_the_overview_and_the_definitions_page_show_the_tianmen_pipeline(published):
    published(tianmen_rows())
    at = run_page("dashboard.py", "2026-10-01", "2026-10-31")
    values = metric_values(at)
    assert (values["受理数"], values["立案数"], values["应结案数"], values["结案数（应结案中）"]) == ("1,054", "996", "972", "911")
    assert "按期结案数" not in values   # in 更多指标, counted only once opened
    at.session_state["more_kpis"] = True
    at.run()
    values = metric_values(at)
    assert (values["结案率"], values["按期结案数"], values["按期结案率"]) == ("93.72%", "737", "75.82%")
    helps = {m.label: m.help for m in at.metric}
    assert "911 ÷ 972" in helps["结案率"] and "737 ÷ 972" in helps["按期结案率"]
    defs = run_page("pages/definitions.py", "2026-10-01", "2026-10-31")
    assert metric_values(defs)["结案率"] == "93.72%"
    text = " ".join(m.value for m in defs.markdown)
    assert "应结案中已结案的案件：911 件" in text and "应结案案件：972 件" in text
    assert "按期结案的案件：737 件" in text


def test_the_overview_shows_the_chibi_disposal_rate_with_its_numerator_and_denominator(published):
    published(chibi_rows())
    at = run_page("dashboard.py", "2026-07-01", "2026-09-30")
    values = metric_values(at)
    assert (values["受理数"], values["处置率"]) == ("7,534", "94.29%")
    assert "6,967 ÷ 7,389" in {m.label: m.help for m in at.metric}["处置率"]
