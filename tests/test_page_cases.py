"""Page test: 案件 lists the known cases, follows the URL (filters, set, search, case) and never shows
a reporter's raw phone number or name; every detail view is audited."""
from __future__ import annotations

from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from data.audit import AuditLog
from tests.builders import add_case, add_private, add_step, new_db
from tests.pagetools import (TEST_DB_NAME, clear_caches, page_text, publish_test_db, run_page, use_published_db,
                             use_test_db)
from ui.text import md_escape

RAW = ("13812345678", "1234-5678", "13912345678", "张三丰", "430902199001011234")


def d(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


@pytest.fixture(scope="module")
def known_db(tmp_path_factory):
    """The known cases below, published once: the page only reads them (audits go to each test's tmp_path)."""
    con = new_db()
    # window: 近30天 ending 2026-11-23 (pinned now 10:00). 资阳区: 4 cases, 赫山区: 2.
    on_time = add_case(con, case_id=101, case_no="S0101202611020001", reported_at=d(2), accepted_at=d(2), filed_at=d(2),
                       dispatched_at=d(2, 10), handled_at=d(3), verified_at=d(3, 10), closed_at=d(3, 11),
                       deadline_at=d(4, 17), dispatch_deadline_at=d(2, 12), handle_deadline_at=d(2, 16), status="closed",
                       source="hotline",
                       dispatch_count=2, description="路口暴露垃圾，请回电13912345678")
    add_private(con, on_time, name="张三丰", phone="138-1234-5678", id_no="430902199001011234")
    add_step(con, on_time, 1, "report", d(2), opinion="问题上报")
    add_step(con, on_time, 2, "dispatch", d(2, 10), unit_code="C001", deadline_at=d(2, 16))
    add_step(con, on_time, 3, "redispatch", d(2, 11), unit_code="C001", opinion="非本单位职责")
    add_step(con, on_time, 4, "dispatch", d(2, 11, 30), unit_code="D43090201", deadline_at=d(2, 16))
    add_step(con, on_time, 5, "handle", d(3), unit_code="D43090201", deadline_at=d(2, 16), opinion="已清理")
    add_step(con, on_time, 6, "close", d(3, 11), deadline_at=d(4, 17))
    add_case(con, case_id=102, case_no="B0201202611030001", reported_at=d(3), accepted_at=d(3), filed_at=d(3),
             dispatched_at=d(3, 10), deadline_at=d(5, 17), status="dispatched", category_code="B0201",
             major_code="B02", description="路灯不亮")                                            # overdue open
    add_case(con, case_id=103, case_no="S0101202611100001", reported_at=d(10), accepted_at=d(10), filed_at=d(10),
             dispatched_at=d(10, 10), closed_at=d(14), deadline_at=d(12, 17), status="closed")   # closed late
    add_case(con, case_id=104, case_no="S0101202611110001", reported_at=d(11), source="supervision",
             status="reported")
    add_private(con, 104, name="李四", phone="13700001111")
    add_case(con, case_id=201, case_no="S0101202611050001", district="430903", reported_at=d(5), accepted_at=d(5),
             filed_at=d(5), dispatched_at=d(5, 10), closed_at=d(6), deadline_at=d(7, 17), status="closed")
    add_case(con, case_id=202, case_no="S0101202611060001", district="430903", reported_at=d(6), status="reported")
    db = tmp_path_factory.mktemp("cases_page") / TEST_DB_NAME
    publish_test_db(con, db)
    return db


@pytest.fixture
def app_env(known_db, tmp_path, monkeypatch):
    yield use_published_db(known_db, tmp_path, monkeypatch)
    clear_caches()


def run(params: dict[str, str]) -> AppTest:
    return run_page("pages/cases.py", params)


def listed(at: AppTest) -> list[str]:
    return at.dataframe[0].value["case_no"].tolist() if len(at.dataframe) else []


def total_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("共 "))


def test_the_list_shows_the_cases_reported_in_the_window_newest_first(app_env):
    at = run({})
    assert total_caption(at).startswith("共 **6** 件")
    assert listed(at) == ["S0101202611110001", "S0101202611100001", "S0101202611060001", "S0101202611050001",
                          "B0201202611030001", "S0101202611020001"]
    # only the non-personal columns reach the browser
    assert list(at.dataframe[0].value.columns) == [
        "case_no", "status_zh", "overdue_zh", "major_name", "minor_name", "district_name", "street_name",
        "community_name", "unit_name", "source_name", "reported_at", "deadline_at", "expected_zh", "closed_at"]


def test_a_district_in_the_url_narrows_the_list(app_env):
    at = run({"district": "430903"})
    assert total_caption(at).startswith("共 **2** 件")
    assert listed(at) == ["S0101202611060001", "S0101202611050001"]


def test_a_kpi_set_from_a_drill_down_link_lists_its_cases_under_a_removable_chip(app_env):
    at = run({"set": "in_due_on_time"})
    assert listed(at) == ["S0101202611050001", "S0101202611020001"]
    assert any("按期结案的案件：2 件" in m.value for m in at.markdown)
    at = run({"set": "is_overdue_open", "district": "430902"})
    assert listed(at) == ["B0201202611030001"]
    chip = at.button(key="remove_set")
    chip.click().run()
    assert "set" not in at.query_params and total_caption(at).startswith("共 **4** 件")


def test_an_unknown_set_is_ignored_with_a_notice(app_env):
    at = run({"set": "description"})
    assert any("无法识别" in w.value for w in at.warning)
    assert total_caption(at).startswith("共 **6** 件")
    assert "set" not in at.query_params


def test_search_sort_and_page_size_come_from_the_url_and_stay_in_it(app_env):
    at = run({"q": "路灯"})
    assert listed(at) == ["B0201202611030001"]
    at = run({"sort": "case_no", "size": "20"})
    assert listed(at)[0] == "B0201202611030001"
    assert at.query_params["sort"] == "case_no" and at.query_params["range"] == "last30"
    at.text_input(key="cases_q").input("S0101202611").run()
    assert at.query_params["q"] == "S0101202611" and len(listed(at)) == 5
    assert at.query_params["sort"] == "case_no"


def test_searching_a_phone_number_finds_nothing_by_description(app_env):
    at = run({"q": "13912345678"})
    assert listed(at) == []
    assert any("电话或证件号码" in c.value for c in at.caption)


def test_the_detail_view_masks_the_reporter_and_shows_the_timeline(app_env):
    at = run({"case": "101"})
    text = page_text(at)
    for raw in RAW:
        assert raw not in text, raw
    # markdown-escaped as sent; the browser shows 138****5678, 张*, 430902********1234
    assert all(md_escape(masked) in text for masked in ("138****5678", "张*", "430902********1234"))
    assert "请回电139****5678" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["单位间回退"] == "1 次" and metrics["当前环节"] == "已结案"
    captions = " ".join(c.value for c in at.caption)
    assert "超时 2.0 工作时" in captions                       # handled 09:00 next day, deadline 16:00
    assert captions.count(":green[按时]") == 3                  # both dispatches and the close
    timeline = at.dataframe[0].value
    assert timeline["step_zh"].tolist() == ["上报", "派遣", "回退（申请改派）", "派遣", "处置回告", "结案"]


def test_a_confidential_source_shows_confidential(app_env):
    text = page_text(run({"case": "104"}))
    assert "保密" in text and "李四" not in text and "13700001111" not in text and "137****1111" not in text


def test_each_detail_view_is_audited_once_per_opening(app_env):
    at = run({"case": "101", "district": "430902"})
    at.run()                                                    # a rerun of the same open view
    records = AuditLog(app_env).read(datetime.now().date())
    assert [(r.case_id, r.page, r.action) for r in records] == [(101, "pages/cases.py", "case_detail")]
    assert (records[0].actor, records[0].role) == ("desk", "desk")
    assert records[0].access_label.startswith("单用户模式") and '"districts": ["430902"]' in records[0].scope_json


def test_a_case_outside_the_filters_is_not_shown(app_env):
    at = run({"case": "101", "district": "430903"})
    assert any("未找到该案件" in w.value for w in at.warning)
    assert "S0101202611020001" not in page_text(at)


def test_the_back_button_returns_to_the_list_and_keeps_the_filters(app_env):
    at = run({"case": "201", "district": "430903"})
    at.button(key="back").click().run()
    assert "case" not in at.query_params and at.query_params["district"] == "430903"
    assert listed(at) == ["S0101202611060001", "S0101202611050001"]


def test_text_from_the_url_is_shown_inert(app_env):
    at = run({"q": "[点此](http://evil.example)", "set": "[x](http://evil.example)"})
    shown = " ".join([i.value for i in at.info] + [w.value for w in at.warning])
    assert "evil" in shown and "](http" not in shown


def test_a_list_longer_than_a_page_downloads_whole_on_request_with_the_cap_said(tmp_path, monkeypatch):
    import pages.cases
    con = new_db()
    for i in range(36):
        add_case(con, reported_at=d(20, 9, i), status="reported")
    use_test_db(con, tmp_path, monkeypatch)
    try:
        at = run({"size": "50"})
        assert [b.label for b in at.get("download_button")] == ["下载 Excel", "下载 CSV"]   # one page: at once
        monkeypatch.setattr(pages.cases, "EXPORT_MAX_ROWS", 25)
        monkeypatch.setattr("queries.case_records.EXPORT_MAX_ROWS", 25)
        at = run({"size": "20"})
        assert total_caption(at).startswith("共 **36** 件") and len(listed(at)) == 20
        assert at.get("download_button") == []
        toggle = at.toggle(key="cases_dl_all")
        assert toggle.label == "生成下载文件（全部 25 件，按当前排序）"
        toggle.set_value(True).run()
        assert [b.label for b in at.get("download_button")] == ["下载 Excel", "下载 CSV"]
        assert any("共 36 件，下载文件包含按当前排序的前 25 件" in c.value for c in at.caption)
    finally:
        clear_caches()
