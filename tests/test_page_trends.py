"""Page test of 趋势: exact comparisons, handling times and chart contents on a known database, and
that filters and URL parameters change them."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests import known_city
from tests.pagetools import chart_specs, metric_values, run_page


@pytest.fixture
def app_env(known_city_db, tmp_path, monkeypatch):
    yield from known_city.serve(known_city_db, tmp_path, monkeypatch)


def trends_page(**params) -> AppTest:
    return run_page("pages/trends.py", params)


def trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name)


def test_headline_comparisons_and_handling_times_are_exact(app_env):
    at = trends_page()
    assert not at.exception
    assert metric_values(at) == {
        "本期受理数": "7", "环比": "+600.0%", "同比": "+250.0%",       # 1 case before, 2 a year earlier
        "处置时长中位数": "2.5 工作时", "处置时长 P90": "5.1 工作时",   # hours 1, 2, 3, 6
    }


def test_the_daily_chart_holds_every_case_and_the_year_ago_line(app_env):
    at = trends_page()
    main = chart_specs(at)[0]
    bars = trace(main, "受理数")
    assert len(bars["x"]) == 30 and sum(bars["y"]) == 7
    assert sum(v for v in trace(main, "去年同期")["y"] if v is not None and v == v) == 2
    assert [h.value for h in at.markdown if h.value.startswith("####")][0] == "#### 每日受理数及同比、环比"


def test_top_categories_and_heatmap_follow_the_cases(app_env):
    specs = chart_specs(trends_page())
    events, components, heat = specs[1], specs[2], specs[3]
    assert events["data"][0]["y"] == ["1. 暴露垃圾"] and events["data"][0]["x"] == [6]
    assert components["data"][0]["y"] == ["1. 路灯"] and components["data"][0]["x"] == [1]
    assert sum(map(sum, heat["data"][0]["z"])) == 7
    assert heat["data"][0]["y"][0] == "周一"


def test_a_kind_filter_changes_every_number(app_env):
    at = trends_page(kind="component")
    assert metric_values(at)["本期受理数"] == "1"
    assert metric_values(at)["环比"] == "—" and metric_values(at)["同比"] == "—"     # nothing to compare with
    assert metric_values(at)["处置时长中位数"] == "—"
    assert "所选范围内无数据（筛选条件未包含此类）" in " ".join(i.value for i in at.info)


def test_a_district_in_the_url_changes_the_numbers(app_env):
    at = trends_page(district="430903")
    assert metric_values(at)["本期受理数"] == "3"
    assert metric_values(at)["同比"] == "+50.0%"
    assert metric_values(at)["处置时长中位数"] == "2.0 工作时"


def test_grain_and_measure_come_from_the_url(app_env):
    at = trends_page(grain="month", measure="closed")
    assert not at.exception
    assert metric_values(at)["本期结案数"] == "4"
    bars = trace(chart_specs(at)[0], "结案数")
    assert len(bars["x"]) == 2 and sum(bars["y"]) == 4           # October (from the 25th) and November
    assert at.query_params["grain"] == "month" and at.query_params["measure"] == "closed"


def test_an_unknown_grain_falls_back_with_a_notice(app_env):
    at = trends_page(grain="hourly';--")
    assert not at.exception
    assert "时间粒度" in " ".join(w.value for w in at.warning)
    assert "grain" not in at.query_params
    assert metric_values(at)["本期受理数"] == "7"


def test_nothing_in_range_shows_explained_empty_states(app_env):
    at = trends_page(range="custom", start="2020-01-01", end="2020-01-31")
    assert not at.exception
    assert metric_values(at)["本期受理数"] == "0"
    assert sum("所选范围内无数据" in i.value for i in at.info) >= 4
