"""A period that includes now: cases still within their limit are not failures; comparisons are calendar periods."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pandas as pd
import pytest

from data.config import load_city
from queries import cases as q
from queries.kpis import apply_rules, format_value, kpi_value, registry
from queries.periods import previous_caption, previous_window, year_ago_caption
from queries.scope import Access, Scope
from queries.wall import wall_scopes
from tests.builders import add_cases, new_db

CITY = load_city()
D = datetime
NOW = D(2026, 12, 7, 10, 0)


def scope(start, end, now=NOW, **kw) -> Scope:
    return apply_rules(Scope(start, end, Access.demo(), now_at=now, **kw), CITY)


def dispatched(filed, deadline, closed_at=None, handle_deadline=None, handled_at=None) -> dict:
    return dict(reported_at=filed, accepted_at=filed, filed_at=filed, dispatched_at=filed, deadline_at=deadline,
                handle_deadline_at=handle_deadline, handled_at=handled_at or closed_at, verified_at=closed_at,
                closed_at=closed_at, status="closed" if closed_at else "dispatched", dispatch_count=1)


@pytest.fixture
def con():
    c = new_db()
    add_cases(c, [
        dispatched(D(2026, 12, 1, 9), D(2026, 12, 3, 17), D(2026, 12, 2, 10)),   # closed in time
        dispatched(D(2026, 12, 2, 9), D(2026, 12, 4, 17)),                        # open and overdue: a failure
        dispatched(D(2026, 12, 5, 9), D(2026, 12, 9, 17)),                        # open, due on the 9th: in progress
        dispatched(D(2026, 12, 6, 9), D(2026, 12, 11, 17)),                       # open, due on the 11th: in progress
    ])
    yield c
    c.close()


def test_a_running_month_keeps_cases_within_their_limit_out_of_the_disposal_denominator(con):
    kpi = registry(CITY)["disposal_rate"]
    row = q.case_kpis(con, scope(date(2026, 12, 1), date(2026, 12, 8), period="month"))
    assert (int(row.disposal_num), int(row.disposal_den), int(row.disposal_pending_count)) == (1, 2, 2)
    assert format_value(kpi_value(row, kpi), "rate") == "50.00%"       # not 1/4 = 25%


def test_a_finished_period_counts_every_open_case_as_published(con):
    # The same cases judged for a window that ended before now: 赤壁's rule, unchanged.
    row = q.case_kpis(con, scope(date(2026, 12, 1), date(2026, 12, 7), now=D(2026, 12, 20)))
    assert (int(row.disposal_num), int(row.disposal_den), int(row.disposal_pending_count)) == (1, 4, 0)


def test_the_standard_reading_counts_handled_of_those_due_to_be_handled(con):
    city = replace(CITY, disposal_reading="standard")
    kpi = registry(city)["disposal_rate"]
    assert (kpi.numerator, kpi.denominator, kpi.pending) == ("handle_due_handled_count", "handle_due_count",
                                                             "handle_pending_count")
    add_cases(con, [dispatched(D(2026, 12, 1, 9), D(2026, 12, 9, 17), handle_deadline=D(2026, 12, 3, 17)),
                    dispatched(D(2026, 12, 1, 9), D(2026, 12, 9, 17), handle_deadline=D(2026, 12, 4, 17),
                               handled_at=D(2026, 12, 5, 9)),
                    dispatched(D(2026, 12, 6, 9), D(2026, 12, 12, 17), handle_deadline=D(2026, 12, 7, 16))])
    row = q.case_kpis(con, scope(date(2026, 12, 1), date(2026, 12, 8), period="month"))
    assert (int(row.handle_due_handled_count), int(row.handle_due_count), int(row.handle_pending_count)) == (1, 2, 1)
    assert format_value(kpi_value(row, kpi), "rate") == "50.00%"


def test_the_reading_is_city_configuration(tmp_path):
    text = (CITY.scores_path.parent / "city.toml").read_text(encoding="utf-8")
    assert CITY.disposal_reading == "chibi"
    path = tmp_path / "city.toml"
    path.write_text(text.replace('disposal_reading = "chibi"', 'disposal_reading = "standard"'), encoding="utf-8")
    assert load_city(path).disposal_reading == "standard"
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('disposal_reading = "chibi"', 'disposal_reading = "both"'), encoding="utf-8")
    with pytest.raises(ValueError, match="disposal_reading"):
        load_city(bad)


@pytest.mark.parametrize("start, end, period, want, caption", [
    # 本月 on the 7th: 1–7 November, not the previous 7 days
    (date(2026, 12, 1), date(2026, 12, 8), "month", (date(2026, 11, 1), date(2026, 11, 8)),
     "较上月同期（2026年11月01日–11月07日）"),
    # A whole quarter picked as free dates: the previous calendar quarter, not 03-31…06-30
    (date(2025, 7, 1), date(2025, 10, 1), "", (date(2025, 4, 1), date(2025, 7, 1)), "较上季度（2025年04月01日–06月30日）"),
    # 本年 on 7 December: 1 January – 7 December of last year, not 2025-01-25…12-31
    (date(2026, 1, 1), date(2026, 12, 8), "year", (date(2025, 1, 1), date(2025, 12, 8)),
     "较上年同期（2025年01月01日–12月07日）"),
    # 本季度 running: the previous quarter to the same day
    (date(2026, 10, 1), date(2026, 12, 8), "quarter", (date(2026, 7, 1), date(2026, 9, 8)),
     "较上季度同期（2026年07月01日–09月07日）"),
    # A free calendar month: the previous calendar month; 30 March to-date ends with February
    (date(2026, 2, 1), date(2026, 3, 1), "", (date(2026, 1, 1), date(2026, 2, 1)), "较上月（2026年01月01日–01月31日）"),
    (date(2026, 3, 1), date(2026, 3, 31), "month", (date(2026, 2, 1), date(2026, 3, 1)),
     "较上月同期（2026年02月01日–02月28日）"),
    # Rolling windows: the equal stretch just before
    (date(2026, 11, 8), date(2026, 12, 8), "", (date(2026, 10, 9), date(2026, 11, 8)), "较前30天（2026年10月09日–11月07日）"),
])
def test_comparison_windows_are_calendar_periods_and_the_caption_names_the_span(start, end, period, want, caption):
    assert previous_window(start, end, period)[:2] == want
    assert previous_caption(start, end, period) == caption
    prev = Scope(start, end, period=period, now_at=NOW).previous_period()
    assert (prev.start_date, prev.end_date) == want


def test_a_running_comparison_is_judged_at_the_same_moment_and_same_year_ago_span():
    s = Scope(date(2026, 12, 1), date(2026, 12, 8), period="month", now_at=NOW)
    assert s.previous_period().now_at == D(2026, 11, 7, 10, 0)
    assert (s.year_ago().start_date, s.year_ago().end_date) == (date(2025, 12, 1), date(2025, 12, 8))
    assert year_ago_caption(s.start_date, s.end_date) == "同比：较上年同期（2025年12月01日–12月07日）"
    finished = Scope(date(2026, 10, 1), date(2026, 11, 1), now_at=NOW)
    assert finished.previous_period().now_at == NOW


def test_the_wall_and_the_overview_compare_this_month_with_the_same_days_of_last_month():
    walls = wall_scopes(NOW, Access.demo(), league_days=30)
    overview = Scope(date(2026, 12, 1), date(2026, 12, 8), period="month", now_at=NOW).previous_period()
    assert (walls.last_month.start_date, walls.last_month.end_date, walls.last_month.now_at) == \
        (overview.start_date, overview.end_date, overview.now_at)
    assert walls.month.previous_caption == "较上月同期（2026年11月01日–11月07日）"
    assert previous_caption(date(2026, 12, 1), date(2026, 12, 8), "month", with_year=False) == "较上月同期（11月01日–07日）"


def test_the_overview_card_and_the_wall_show_the_cases_in_progress_apart(con, tmp_path, monkeypatch):
    from tests.pagetools import clear_caches, metric_values, page_text, run_page, use_test_db
    use_test_db(con, tmp_path, monkeypatch, now="2026-12-07T10:00:00")
    try:
        at = run_page("dashboard.py", {"range": "month"})
        assert metric_values(at)["处置率"] == "50.00%"
        text = page_text(at)
        assert "在办未到期 2 件" in text
        assert "较上月同期（2026年11月01日–11月07日）" in text
        from streamlit.testing.v1 import AppTest
        wall = AppTest.from_file("../pages/wall.py", default_timeout=60)
        wall.run()
        assert not wall.exception
        wall_text = page_text(wall)
        assert "较上月同期 11月01日–07日 · 在办未到期 2 件" in wall_text
    finally:
        clear_caches()


def test_the_definitions_page_names_the_reading_and_the_cases_in_progress(con, tmp_path, monkeypatch):
    from tests.pagetools import clear_caches, page_text, run_page, use_test_db
    use_test_db(con, tmp_path, monkeypatch, now="2026-12-07T10:00:00")
    try:
        text = page_text(run_page("pages/definitions.py", {"range": "month"}))
        assert "处置率口径：处置结案数 ÷ 立案派遣数（赤壁季度通报口径）" in text
        assert "在办未到期**　2 件" in text
    finally:
        clear_caches()
