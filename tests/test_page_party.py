"""Page test: 党建·志愿 shows the exact people-stream KPIs of a small known city, a district in the
URL changes them, and people's names only appear masked."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import new_db
from tests.pagetools import TEST_DB_NAME, clear_caches, metric_values, page_text, publish_test_db, run_page, use_published_db
from tests.test_party_queries import build_city

NAMES = ("王小明", "李雷", "张伟", "赵敏", "钱多多")


@pytest.fixture(scope="module")
def party_db(tmp_path_factory):
    """The party city, published once: the page only reads it."""
    con = new_db()
    build_city(con)
    db = tmp_path_factory.mktemp("party_page") / TEST_DB_NAME
    publish_test_db(con, db)
    return db


@pytest.fixture
def app_env(party_db, tmp_path, monkeypatch):
    use_published_db(party_db, tmp_path, monkeypatch)
    yield
    clear_caches()


def run(params: dict[str, str]) -> AppTest:
    return run_page("pages/party.py", params)


def fractions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if re.match(r"^[\d,]+ ÷ [\d,]+ ", c.value)]


def test_party_page_shows_the_exact_people_kpis_with_their_fractions(app_env):
    at = run({})                      # 近30天: 2026-10-25 .. 2026-11-23; October months are judged in full
    values = metric_values(at)
    assert values["报到率"] == "75.00%"
    assert values["报到服务签到"] == "5"
    assert values["志愿活动"] == "3"
    assert values["志愿服务时长"] == "8.5 小时"
    assert values["吹哨解决率"] == "66.67%"
    assert values["吹哨响应（中位数）"] == "1.5 小时"
    assert values["微心愿认领率"] == "66.67%"
    assert values["微心愿完成率"] == "50.00%"
    assert values["已圆梦心愿价值"] == "200 元"
    assert values["需求认领率"] == "50.00%"
    assert values["督办整改率"] == "75.00%"
    assert values["第一书记走访达标率"] == "50.00%"
    assert fractions(at)[:3] == ["3 ÷ 4 人", "2 ÷ 3 次", "2 ÷ 3 个"]
    assert "1 ÷ 2 个月" in fractions(at)


def test_a_district_in_the_url_changes_every_number(app_env):
    values = metric_values(run({"district": "430903"}))
    assert (values["报到率"], values["报到服务签到"], values["志愿活动"], values["志愿服务时长"]) == \
        ("100.00%", "1", "1", "3.0 小时")
    assert (values["吹哨解决率"], values["吹哨响应（中位数）"]) == ("100.00%", "—")
    assert (values["微心愿完成率"], values["已圆梦心愿价值"], values["需求认领率"]) == ("0.00%", "0 元", "0.00%")
    assert (values["督办整改率"], values["第一书记走访达标率"]) == ("100.00%", "0.00%")


def test_a_case_source_filter_leaves_the_people_numbers_and_says_so(app_env):
    plain = run({})
    assert not any("只作用于案件" in i.value for i in plain.info)
    at = run({"source": "hotline"})
    assert any("只作用于案件，党建与志愿数据不按其筛选" in i.value for i in at.info)
    assert metric_values(at) == metric_values(plain)


def test_tables_hold_the_scorecard_and_only_masked_names(app_env):
    at = run({})
    scorecard = at.dataframe[0].value
    assert scorecard.unit_name.tolist() == ["市城管局", "赫山区城管局"]
    assert scorecard.report_in_rate.tolist() == [2 / 3, 1.0]
    secretaries = next(df.value for df in at.dataframe if "secretary_name_masked" in df.value.columns)
    assert secretaries.secretary_name_masked.tolist() == ["李*", "王*"]       # the one who missed a month first
    assert any("未达标的结对 1 个" in c.value for c in at.caption)
    text = page_text(at)
    assert not [name for name in NAMES if name in text]


def test_an_empty_window_explains_itself(app_env):
    at = run({"range": "custom", "start": "2024-01-01", "end": "2024-01-31"})     # before anyone joined
    assert any("所选范围内无数据" in i.value for i in at.info)
    assert metric_values(at)["报到率"] == "—"


def _tables_sent(at: AppTest) -> list[tuple[bytes, str]]:
    """What the browser receives for each table: its Arrow bytes and its column configuration."""
    return [(df.proto.arrow_data.data, df.proto.columns) for df in at.dataframe]


def test_tables_held_per_selection_send_exactly_what_a_fresh_pandas_table_sends(app_env, monkeypatch):
    """The six tables are prepared once per (selection, snapshot) and kept as Arrow tables
    (render_table(held=...)): every rerun, for the city and a district in turn, sends the browser the
    very bytes and column settings that the per-run pandas path sends."""
    import ui.tables

    selections = [{}, {"district": "430903"}, {}, {"district": "430903"}]
    held = [_tables_sent(run(params)) for params in selections]
    assert len(held[0]) == 6 and held[0] != held[1]
    assert held[2] == held[0] and held[3] == held[1]          # reruns read the kept tables
    clear_caches()
    original = ui.tables.render_table
    monkeypatch.setattr(ui.tables, "render_table", lambda *a, held=None, **kw: original(*a, **kw))
    fresh = [_tables_sent(run(params)) for params in selections[:2]]
    assert held[:2] == fresh
