"""预警研判 page: every view renders from a small known database and shows its exact figures."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from tests.builders import add_calendar, add_case, add_cases, add_private, add_step, add_steps, new_db
from tests.pagetools import TEST_DB_NAME, clear_caches, publish_test_db, run_page, use_published_db, use_test_db

NOW = datetime(2026, 11, 23, 10, 0)


@pytest.fixture(scope="module")
def signals_db(tmp_path_factory):
    """The known database below, published once: the views only read it (alert and topic state, audit
    records go to each test's tmp_path, see app_db)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_REPORTER_SALT", "page-test")
        db = tmp_path_factory.mktemp("signals_page") / TEST_DB_NAME
        publish_test_db(_known_database(), db)
    return db


@pytest.fixture
def app_db(signals_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_REPORTER_SALT", "page-test")
    use_published_db(signals_db, tmp_path, monkeypatch, now=NOW.isoformat())
    yield
    clear_caches()


def _known_database():
    con = new_db()
    add_steps(con)
    add_calendar(con)
    # 异动: 12 reports this morning in 汽车路街道 against one a week on earlier Mondays
    add_cases(con, [dict(reported_at=NOW - timedelta(minutes=20 + 5 * i)) for i in range(12)]
              + [dict(reported_at=NOW - timedelta(days=7 * k, hours=1)) for k in range(1, 9)])
    # 推诿: one case bounced C001 → D43090201 → C001
    case_id = add_case(con, reported_at=datetime(2026, 11, 2, 8), dispatched_at=datetime(2026, 11, 2, 9),
                       unit_code="C001", status="dispatched", district="430903")
    for seq, (unit, hour) in enumerate((("C001", 9), ("D43090201", 10), ("C001", 11)), start=1):
        add_step(con, case_id, seq, "dispatch", datetime(2026, 11, 2, hour), unit_code=unit)
    # 重复发生 and 一人多诉: the same caller three times about the same lamp in 龙洲社区
    lamp = dict(category_code="B0201", major_code="B02", kind="component", district="430903", source="hotline")
    ids = add_cases(con, [dict(reported_at=datetime(2026, 11, 3, 9), dispatched_at=datetime(2026, 11, 3, 10),
                               closed_at=datetime(2026, 11, 4, 9), status="closed", **lamp),
                          dict(reported_at=datetime(2026, 11, 10, 9), **lamp),
                          dict(reported_at=datetime(2026, 11, 12, 9), **lamp)])
    for i in ids:
        add_private(con, i, name="李四", phone="13700001111")
    return con


def frames(at):
    return [df.value for df in at.dataframe]


def test_anomaly_view_lists_the_burst_with_its_baseline(app_db):
    at = run_page("pages/signals.py", {"view": "anomaly"})
    first = frames(at)[0]
    assert first[["street_name", "minor_name", "span_zh", "observed"]].values.tolist() == [["汽车路街道", "暴露垃圾", "今日", 12],
                                                                                     ["汽车路街道", "暴露垃圾", "近7天", 12]]
    assert first["expected"].tolist() == [pytest.approx(8.5 / 8)] * 2


def test_reporters_view_counts_the_repeat_caller_without_a_number(app_db):
    at = run_page("pages/signals.py", {"view": "reporters"})
    repeat = frames(at)[-1]
    assert repeat[["reporter_label", "reports", "top_minor_name"]].values.tolist() == [["诉求人 1", 3, "路灯"]]
    text = " ".join(str(x) for f in frames(at) for x in f.values.ravel())
    assert "1370000" not in text and "李" not in text


def test_recurrence_view_pairs_the_later_report_with_the_closure(app_db):
    at = run_page("pages/signals.py", {"view": "recurrence", "rby": "category"})
    rates, pairs = frames(at)[:2]
    assert rates.set_index("name").loc["路灯", ["closed_cases", "recurred_cases"]].tolist() == [1, 1]
    assert pairs["days_after"].tolist() == [pytest.approx(8.0), pytest.approx(6.0)]


def test_handoff_view_shows_the_bounce_back_and_the_pair(app_db):
    at = run_page("pages/signals.py", {"view": "handoff"})
    units, pairs = frames(at)[0], frames(at)[-1]
    city = units.set_index("unit_name").loc["市城管局"]
    assert [city["passed_on_cases"], city["received_cases"], city["returned_cases"]] == [1, 1, 1]
    assert pairs[["handoffs", "a_to_b", "b_to_a", "returned_cases"]].values.tolist() == [[2, 1, 1, 1]]


def test_expected_view_renders_with_no_quarter_to_check(app_db):
    at = run_page("pages/signals.py", {"view": "expected"})
    assert any("上一个完整季度没有可检验的派遣案件" in i.value for i in at.info)


def test_an_open_case_shows_its_expected_completion_and_a_repeat_its_flag(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_REPORTER_SALT", "page-test")
    con = new_db()
    add_steps(con)
    add_calendar(con)
    mon = datetime(2026, 11, 2, 9)           # 20 closures of 7 working hours (one working day) each
    add_cases(con, [dict(reported_at=mon, dispatched_at=mon, closed_at=datetime(2026, 11, 3, 9),
                         status="closed", unit_code="D43090201") for _ in range(20)])
    open_id = add_case(con, reported_at=datetime(2026, 11, 20, 8), dispatched_at=datetime(2026, 11, 20, 9),
                       unit_code="D43090201", status="dispatched")
    use_test_db(con, tmp_path, monkeypatch, now=NOW.isoformat())
    try:
        at = run_page("pages/cases.py", {"case": str(open_id)})
        text = " ".join(m.value for m in at.markdown)
        # Friday 09:00 + 7 working hours = Monday 09:00; P90 is also 7 hours
        assert "预计 11月23日 前后办结，90\\% 在 11月23日 前" in text     # % escaped for markdown
        assert "依据本单位该小类近期 20 件结案" in text
        assert "此处 30 天内第 21 次" in text          # the 20 earlier reports were in the same grid
        rows = run_page("pages/cases.py").dataframe[0].value
        assert rows.expected_zh.tolist().count("预计 11月23日 前后办结，90% 在 11月23日 前") == 1
    finally:
        clear_caches()


def test_definitions_page_states_every_signal_method_with_its_parameters(app_db):
    at = run_page("pages/definitions.py")
    text = " ".join(m.value for m in at.markdown)
    for words in ("最近 180 天内结案", "不足 20 件", "推诿率 = 转出案件数 ÷ 派遣到该单位的案件数", "相距不超过 100 米",
                  "于上一件结案后 30 天内", "不超过 72 小时", "不少于 3 人", "前 8 周", "低于 1e-05",
                  "没有可检验的派遣案件", "与上月同一时段", "已过结案时限仍未结案：超过 0 工作时 黄"):
        assert words in text, words


def test_unit_league_gains_the_handoff_rate_and_expected_hours(app_db):
    at = run_page("pages/league.py", {"by": "unit"})
    table = next(df.value for df in at.dataframe if "推诿率" in df.value.columns)
    city = table.set_index("代码").loc["C001"]
    assert city["推诿率"] == pytest.approx(100.0) and city["转出（件）"] == 1     # shown in percent
    # 市城管局 closed no case in the model's window: no expected figures
    assert pd.isna(city["预计办结中位（工作时）"])


def test_alerts_view_lists_alerts_by_level_and_records_an_acknowledgement(app_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ALERT_DIR", str(tmp_path / "alerts"))
    at = run_page("pages/signals.py", {"view": "alerts"})
    table = frames(at)[0]
    # 12 reports against about 1 a week: p = 1.6e-9, above anomaly_red_p (1e-12), so 黄; today's burst
    # is also the last 7 days' anomaly of the same street × 小类: one alert
    assert table.rule.tolist() == ["异动"] and set(table.level) == {"黄"}
    assert table.ack_zh.tolist() == ["未确认"]
    assert {m.label: m.value for m in at.metric}["黄色预警"] == "1 条"
    from data import alert_state
    state = alert_state.active_alerts(tmp_path / "alerts")
    assert sorted(state) == ["anomaly:430902001:S0101"]
    key = "anomaly:430902001:S0101"
    alert_state.acknowledge(key, state[key]["fired_at"], "值班长", NOW, folder=tmp_path / "alerts")
    after = frames(run_page("pages/signals.py", {"view": "alerts"}))[0]
    assert after.ack_zh.tolist() == ["已确认：值班长"]


def test_overview_shows_the_alert_strip_with_counts_by_rule_and_level(app_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ALERT_DIR", str(tmp_path / "alerts"))
    at = run_page("dashboard.py")
    strip = next(m.value for m in at.markdown if "**预警**" in m.value)
    assert "**预警**　异动 :yellow-badge[黄 1]　未确认 1 条" in strip and "红" not in strip


def test_a_city_wide_user_reads_the_city_evaluation_and_others_evaluate_their_own(app_db, tmp_path, monkeypatch):
    from dataclasses import replace

    from queries.scope import Access
    from ui import alerts as ui_alerts
    from ui import cache

    monkeypatch.setenv("DASHBOARD_ALERT_DIR", str(tmp_path / "alerts"))
    asked = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda name, *a, **k: (asked.append(name), real_get(name, *a, **k))[1])
    at = run_page("dashboard.py")
    strip = next(m.value for m in at.markdown if "**预警**" in m.value)
    assert "**预警**　异动 :yellow-badge[黄 1]　未确认 1 条" in strip      # the same strip as evaluated alone
    assert "alerts" not in asked          # the demo identity sees the whole city: no second evaluation

    _state, city, _frame = ui_alerts.city_evaluation()
    live = replace(city.live(), access=Access.demo())
    assert ui_alerts._is_the_city_view(live, city)
    assert not ui_alerts._is_the_city_view(replace(live, access=Access(districts=("430903",), label="区")), city)
    assert not ui_alerts._is_the_city_view(replace(live, districts=("430903",)), city)     # a filter
    assert not ui_alerts._is_the_city_view(replace(live, now_at=city.now_at.replace(minute=(city.now_at.minute + 1) % 60)), city)
    assert not ui_alerts._is_the_city_view(replace(live, exclude_cancelled=not live.exclude_cancelled), city)


def test_the_wall_shows_alert_counts_in_its_header_and_no_name(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.test_page_wall import known_database, markdown_text

    con = new_db()
    known_database(con)    # one case overdue since 12 Nov (红), one whistle today (within its 24 h)
    add_calendar(con)
    use_test_db(con, tmp_path, monkeypatch, now="2026-11-23T15:30:00")
    try:
        at = AppTest.from_file("../pages/wall.py", default_timeout=60)
        at.run()
        assert not at.exception
        text = markdown_text(at)
        assert "预警 超期 :red[**红 1**]" in text and "橙" not in text   # by rule, only the levels it has
        assert "王五" not in text and "13900001111" not in text
        assert {m.label: m.value for m in at.metric}["超期未处置"] == "1"     # the KPI stays in its place
    finally:
        clear_caches()


def test_topic_view_tracks_the_month_against_the_same_days_before_and_saves_a_decision(app_db, tmp_path, monkeypatch):
    from data.topics import set_topic, topics

    monkeypatch.setenv("DASHBOARD_TOPIC_DIR", str(tmp_path / "topics"))
    at = run_page("pages/signals.py", {"view": "topic"})
    assert any("尚未设定每月一题" in i.value for i in at.info)
    # the administrator's form (the demo identity is an administrator) appends a decision with who and when
    at.multiselect[0].set_value(["B0201"])
    at.text_input[0].set_value("路灯不亮")
    at.number_input[0].set_value(30)
    at.button[0].click().run()
    assert not at.exception
    decided = topics(tmp_path / "topics")["2026-11"]
    assert (decided.categories, decided.label, decided.target_fall) == (("B0201",), "路灯不亮", 0.3)
    assert decided.set_by and decided.set_at.startswith("2026-11-23T10:00")
    set_topic("2026-11", ["S0101"], "暴露垃圾", 0.2, "值班长", NOW, folder=tmp_path / "topics")
    at = run_page("pages/signals.py", {"view": "topic"})
    values = {m.label: m.value for m in at.metric}
    # 暴露垃圾 in the app database: 12 this morning, 3 earlier Mondays and the bounced case of 2 November;
    # October by the 23rd 10:00: the Mondays 5, 12 and 19 October
    assert values["本月至今"] == "16 件" and values["上月同期"] == "3 件"
    assert values["变化"] == "+433.3%"
    assert "由 值班长 于 2026-11-23 10:00 设定" in " ".join(c.value for c in at.caption)
