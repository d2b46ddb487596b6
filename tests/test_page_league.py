"""Page tests: 排行榜 and 口径说明 with exact numbers on a small known database, the links from a KPI
to its cases, and the calendar warning every page shows."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import add_cases, new_db
from tests.pagetools import clear_caches, metric_values, publish_test_db, unescaped

NOW = "2026-11-23T10:00:00"
D = datetime


def due_case(day: datetime, *, unit: str, district: str, closed: str) -> dict:
    """A case dispatched to `unit`, due that day at 17:00; closed 'on_time' (handled 10:00), 'late'
    (handled and closed the next day) or 'open' (never handled)."""
    deadline = day.replace(hour=17)
    row = dict(reported_at=day.replace(hour=8), accepted_at=day.replace(hour=8, minute=10),
               filed_at=day.replace(hour=8, minute=20), dispatched_at=day.replace(hour=8, minute=30),
               dispatch_count=1, handle_deadline_at=deadline, deadline_at=deadline, unit_code=unit,
               district=district, status="dispatched")
    if closed == "on_time":
        row |= dict(handled_at=day.replace(hour=10), verified_at=day.replace(hour=11), closed_at=day.replace(hour=12),
                    status="closed")
    elif closed == "late":
        later = day + timedelta(days=1)
        row |= dict(handled_at=later.replace(hour=10), verified_at=later.replace(hour=11),
                    closed_at=later.replace(hour=12), status="closed")
    return row


def cases_of(unit: str, district: str, first_day: datetime, counts: dict[str, int]) -> list[dict]:
    rows, i = [], 0
    for closed, n in counts.items():
        for _ in range(n):
            rows.append(due_case(first_day + timedelta(days=i % 20), unit=unit, district=district, closed=closed))
            i += 1
    return rows


@pytest.fixture
def league_db(tmp_path, monkeypatch):
    """Window 近30天 to 23 Nov 2026 = 25 Oct - 23 Nov; the previous period is 25 Sep - 24 Oct."""
    con = new_db()
    now_start, before_start = D(2026, 10, 27), D(2026, 9, 28)
    add_cases(con, cases_of("D43090201", "430902", now_start, {"on_time": 38, "open": 2})
              + cases_of("D43090301", "430903", now_start, {"on_time": 40, "late": 5, "open": 5})
              + cases_of("C001", "430903", now_start, {"on_time": 10})
              + cases_of("D43090201", "430902", before_start, {"on_time": 24, "open": 6})
              + cases_of("D43090301", "430903", before_start, {"on_time": 30}))
    db = tmp_path / "league.duckdb"
    publish_test_db(con, db)
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_NOW", NOW)
    clear_caches()
    yield con
    clear_caches()


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    if page != "dashboard.py":
        at.switch_page(page)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tables(at) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe]


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_unit_league_ranks_by_the_department_score_within_peer_groups(league_db):
    at = open_page("pages/league.py")
    district_bureaus = next(t for t in tables(at) if "资阳区城管局" in set(t["责任单位"]))
    # 资阳: volume 40 -> 60 × 0.1 = 6; 结案率 95 × 0.3; 按时处置率 95 × 0.3; 返工 0 -> 30: 93.00 (A).
    # 赫山: volume 50 -> 80 × 0.1 = 8; 90 × 0.3 = 27; 80 × 0.3 = 24; 30: 89.00 (B). Last period 赫山 was
    # first (96.00) and 资阳 second (84.00).
    got = district_bureaus[["名次", "名次变化", "责任单位", "综合指标值", "等级", "样本量（应结案数）"]].values.tolist()
    assert got == [["1", "↑1", "资阳区城管局", pytest.approx(93.0), "A", 40],
                   ["2", "↓1", "赫山区城管局", pytest.approx(89.0), "B", 50]]
    city = next(t for t in tables(at) if "市城管局" in set(t["责任单位"]))
    assert city[["名次", "参与排名"]].values.tolist() == [["—", "否（未达门槛或无数值）"]]  # 10 due < 30
    text = unescaped(markdown(at))
    assert "93.00 分 · A" in text and "89.00 分 · B" in text
    assert any("不少于 **30 件**" in i.value for i in at.info)          # the minimum-volume rule is visible
    assert (at.query_params["by"], at.query_params["metric"]) == ("unit", "score.department")


def test_a_url_parameter_switches_to_districts_ranked_by_closing_rate(league_db):
    at = open_page("pages/league.py", by="district", metric="closing_rate")
    table = tables(at)[0]
    # 资阳区 38 / 40 = 95.00%; 赫山区 (45 + 10) / 60 = 91.67%
    assert table[["名次", "区县", "分子", "样本量（应结案数）"]].values.tolist() == [
        ["1", "资阳区", 38, 40], ["2", "赫山区", 55, 60]]
    assert table["结案率"].round(2).tolist() == [95.0, 91.67]


def test_a_district_filter_narrows_the_league_to_its_units(league_db):
    at = open_page("pages/league.py", district="430903", metric="on_time_rate")
    ranked = pd.concat(tables(at))
    assert set(ranked["责任单位"]) == {"赫山区城管局", "市城管局"}
    assert ranked.set_index("责任单位").loc["赫山区城管局", "按期结案率"].round(2) == 80.0
    assert ranked.set_index("责任单位").loc["赫山区城管局", "名次"] == "1"


def test_an_unknown_url_value_falls_back_to_the_default_league(league_db):
    at = open_page("pages/league.py", by="planet", metric="<b>")
    assert (at.query_params["by"], at.query_params["metric"]) == ("unit", "score.department")


def test_the_definitions_page_lists_every_kpi_with_the_numbers_of_the_selection(league_db):
    at = open_page("pages/definitions.py")
    values = metric_values(at)
    assert len(values) == 25
    # Due in the window: 40 + 50 + 10 = 100; closed by now 38 + 45 + 10 = 93; on time 88.
    assert values["应结案数"] == "100" and values["结案率"] == "93.00%" and values["按期结案率"] == "88.00%"
    assert values["按时处置率（责任单位）"] == "88.00%"
    text = unescaped(markdown(at))
    assert "应结案中已结案的案件：93 件" in text and "应结案案件：100 件" in text
    narrowed = metric_values(open_page("pages/definitions.py", district="430902"))
    assert narrowed["应结案数"] == "40" and narrowed["结案率"] == "95.00%"


def test_the_overview_keeps_the_live_overdue_count_and_adds_the_second_row(league_db):
    values = metric_values(open_page("dashboard.py"))
    assert values["超期未处置"] == "13"          # 2 + 5 open now, 6 from the previous period
    assert values["按时处置率"] == "88.00%" and values["返工率"] == "0.00%" and values["满意率"] == "—"


CASES_STUB_APP = '''
import pandas as pd
import streamlit as st
from data.config import load_city
from queries.kpis import registry
from ui.widgets import render_kpi_card
kpis = registry(load_city())
row = pd.Series({"due_closed_count": 911, "due_count": 972, "accepted_count": 1054})
render_kpi_card(kpis["closing_rate"], row, key="a")
render_kpi_card(kpis["accepted"], row, key="b")
'''


def test_a_kpi_card_links_numerator_and_denominator_to_the_case_list_with_the_filters(tmp_path, monkeypatch):
    # A throw-away app with a pages/cases.py beside it, so page_link can resolve the target.
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "cases.py").write_text("import streamlit as st\nst.write('cases')\n")
    (tmp_path / "app.py").write_text(CASES_STUB_APP)
    monkeypatch.setattr("ui.widgets.cases_page_available", lambda: True)
    at = AppTest.from_file(str(tmp_path / "app.py"), default_timeout=30)
    at.query_params.update({"range": "custom", "start": "2026-10-01", "end": "2026-10-31", "district": "430902",
                            "metric": "not-a-filter"})
    at.run()
    assert not at.exception
    links = [el.proto for el in at.get("page_link")]
    assert [link.label for link in links] == ["分子 911", "分母 972", "1,054 件"]
    params = [parse_qs(link.query_string) for link in links]
    base = {"range": ["custom"], "start": ["2026-10-01"], "end": ["2026-10-31"], "district": ["430902"]}
    assert params == [base | {"set": ["in_due_closed"]}, base | {"set": ["in_due"]}, base | {"set": ["in_accepted"]}]
    assert all(link.page.endswith("cases.py") or "cases" in link.page for link in links)


def test_every_page_warns_when_the_data_needs_a_year_without_a_holiday_schedule(tmp_path, monkeypatch):
    con = new_db()
    add_cases(con, [dict(reported_at=D(2026, 12, 30, 9), deadline_at=D(2027, 1, 5, 17))])
    db = tmp_path / "cal.duckdb"
    publish_test_db(con, db)
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_NOW", "2027-01-06T10:00:00")
    clear_caches()
    try:
        for page in ("dashboard.py", "pages/league.py", "pages/definitions.py"):
            warnings = " ".join(w.value for w in open_page(page).warning)
            assert "日历缺少 2027 年国务院放假安排" in warnings and "调休上班日未知" in warnings, page
            assert "csv" not in warnings and "data/" not in warnings, page   # no developer text
    finally:
        clear_caches()
