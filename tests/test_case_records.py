"""SQL tests for the case list, the masked case detail and the timeline (queries/case_records.py)."""
from __future__ import annotations

from datetime import datetime

import pytest

from data.config import load_city
from queries import case_records as r
from queries.kpis import case_sets
from queries.scope import Access
from tests.builders import add_case, add_private, add_step, new_db, window_scope

scope = window_scope


@pytest.fixture
def con():
    c = new_db()
    yield c
    c.close()


def case(con, case_id, reported_at, **kw):
    return add_case(con, case_id=case_id, reported_at=reported_at, accepted_at=reported_at, filed_at=reported_at,
                    case_no=kw.pop("case_no", f"S0101{reported_at:%Y%m%d}{case_id:05d}"), **kw)


def page(con, sc=None, **kw):
    args = dict(set_flag=r.REPORTED_SET, query="", sort="reported_at", descending=True, page=1, page_size=20) | kw
    return r.case_list(con, sc or scope(), **args)


def test_list_pages_through_the_cases_reported_in_the_window_with_the_total(con):
    for i in range(1, 46):
        case(con, i, datetime(2026, 11, 2, 8) .replace(minute=i))
    case(con, 99, datetime(2026, 10, 30, 9))            # before the window: not listed
    first, third = page(con), page(con, page=3)
    assert (first.total, first.pages, len(first.rows)) == (45, 3, 20)
    assert first.rows.case_id.tolist()[:3] == [45, 44, 43]
    assert (third.page, third.rows.case_id.tolist()) == (3, [5, 4, 3, 2, 1])


def test_the_export_holds_the_whole_list_in_the_page_order_up_to_the_cap(con, monkeypatch):
    for i in range(1, 46):
        case(con, i, datetime(2026, 11, 2, 8).replace(minute=i))
    everything = r.case_export(con, scope(), r.REPORTED_SET, "", "reported_at", False)
    assert (everything.total, everything.rows.case_id.tolist()) == (45, list(range(1, 46)))
    assert list(everything.rows.columns) == list(page(con).rows.columns)
    monkeypatch.setattr(r, "EXPORT_MAX_ROWS", 10)
    capped = r.case_export(con, scope(), r.REPORTED_SET, "", "reported_at", True)
    assert (capped.total, capped.rows.case_id.tolist()) == (45, list(range(45, 35, -1)))


def test_a_page_past_the_end_shows_the_last_page(con):
    for i in range(1, 26):
        case(con, i, datetime(2026, 11, 2, 8).replace(minute=i))
    result = page(con, page=9)
    assert (result.page, result.total, len(result.rows)) == (2, 25, 5)


def test_sort_by_an_allowed_column_in_either_direction_with_nulls_last(con):
    case(con, 1, datetime(2026, 11, 2, 9), unit_code="D43090201")
    case(con, 2, datetime(2026, 11, 3, 9), unit_code="C001")
    case(con, 3, datetime(2026, 11, 4, 9), unit_code=None)
    assert page(con, sort="unit_code", descending=False).rows.unit_name.tolist()[:2] == ["市城管局", "资阳区城管局"]
    assert page(con, sort="unit_code", descending=False).rows.case_id.tolist() == [2, 1, 3]
    assert page(con, sort="unit_code", descending=True).rows.case_id.tolist() == [1, 2, 3]
    assert page(con, sort="reported_at", descending=False).rows.case_id.tolist() == [1, 2, 3]
    with pytest.raises(ValueError):
        page(con, sort="description")
    with pytest.raises(ValueError):
        page(con, sort="unit_name")
    with pytest.raises(ValueError):
        page(con, page_size=5000)


def test_search_matches_case_number_prefix_or_a_keyword_and_treats_wildcards_literally(con):
    case(con, 1, datetime(2026, 11, 2, 9), case_no="S0101202611020001", description="路口暴露垃圾")
    case(con, 2, datetime(2026, 11, 2, 9), case_no="B0201202611020001", description="路灯不亮")
    case(con, 3, datetime(2026, 11, 2, 9), case_no="B0201202611020002", description="折扣100%_促销横幅")
    assert page(con, query="s0101").rows.case_id.tolist() == [1]          # prefix, case-insensitive
    assert page(con, query="路灯").rows.case_id.tolist() == [2]
    assert page(con, query="%").rows.case_id.tolist() == [3]              # % is a character, not a wildcard
    assert page(con, query="0%_").rows.case_id.tolist() == [3]
    assert page(con, query="_").rows.case_id.tolist() == [3]
    assert page(con, query="Ｂ０２０１").total == 2                         # full-width input normalised
    assert page(con, query="路口' OR 1=1 --").total == 0


def test_a_phone_like_search_never_matches_descriptions(con):
    case(con, 1, datetime(2026, 11, 2, 9), description="联系人手机13812345678")
    assert page(con, query="13812345678").total == 0
    assert r.is_phone_like("138 1234 5678") and not r.is_phone_like("S0101")


def test_every_kpi_set_is_allowed_and_lists_exactly_its_cases(con):
    case(con, 1, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 4, 17), closed_at=datetime(2026, 11, 3, 9),
         status="closed")
    case(con, 2, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 4, 17), closed_at=datetime(2026, 11, 6, 9),
         status="closed")
    case(con, 3, datetime(2026, 11, 2, 9), deadline_at=datetime(2026, 11, 4, 17), status="dispatched",
         dispatched_at=datetime(2026, 11, 2, 10))
    assert set(case_sets(load_city())) <= set(r.list_sets())
    ids = {flag: sorted(page(con, set_flag=flag).rows.case_id) for flag in ("in_due", "in_due_on_time", "is_overdue_open")}
    assert ids == {"in_due": [1, 2, 3], "in_due_on_time": [1], "is_overdue_open": [3]}
    rows = page(con, set_flag="in_due", sort="case_no", descending=False).rows
    assert rows.overdue_zh.tolist() == ["", "超期结案", "超期未结"]
    assert rows.status_zh.tolist() == ["已结案", "已结案", "处置中"]
    with pytest.raises(ValueError):
        page(con, set_flag="description")


def test_a_flag_added_to_the_registry_is_allowed_without_touching_the_list(monkeypatch, con):
    case(con, 1, datetime(2026, 11, 2, 9), dispatched_at=datetime(2026, 11, 2, 10))
    monkeypatch.setattr(r, "case_sets", lambda city: {"in_dispatched": "派遣数", "in_accepted": "受理数"})
    assert "in_accepted" in r.list_sets()
    assert page(con, set_flag="in_accepted").total == 1


def test_list_and_detail_respect_access_and_filters(con):
    case(con, 1, datetime(2026, 11, 2, 9), district="430902")
    case(con, 2, datetime(2026, 11, 2, 9), district="430903")
    only = scope(access=Access.for_districts(("430902",), "资阳区"))
    assert page(con, only).rows.case_id.tolist() == [1]
    assert page(con, scope(districts=("430903",))).rows.case_id.tolist() == [2]
    assert r.case_detail(con, only, 2) is None
    assert r.case_timeline(con, only, 2).empty
    assert r.case_detail(con, scope(access=Access()), 1) is None


def test_detail_masks_the_reporter_in_sql_and_scrubs_the_description(con):
    case(con, 1, datetime(2026, 11, 2, 9), source="hotline", description="请回电13812345678，身份证430902199001011234")
    add_private(con, 1, name="张三丰", phone="138-1234-5678", id_no="430902199001011234", address="汽车路12号")
    detail = r.case_detail(con, scope(), 1)
    assert (detail["reporter_name_masked"], detail["reporter_phone_masked"], detail["reporter_id_masked"]) == \
        ("张*", "138****5678", "430902********1234")
    assert detail["description"] == "请回电138****5678，身份证430902********1234"
    assert "address" not in detail and "reporter_phone" not in detail
    assert "13812345678" not in repr(detail) and "1234-5678" not in repr(detail)


def test_landline_and_short_phones_keep_only_the_last_four_digits(con):
    case(con, 1, datetime(2026, 11, 2, 9), source="hotline")
    add_private(con, 1, name="李四", phone="0737-4211234")
    case(con, 2, datetime(2026, 11, 2, 9), source="hotline")
    add_private(con, 2, name=" 王 ", phone="123")
    assert r.case_detail(con, scope(), 1)["reporter_phone_masked"] == "****1234"
    two = r.case_detail(con, scope(), 2)
    assert (two["reporter_name_masked"], two["reporter_phone_masked"]) == ("王*", "****")


def test_confidential_sources_and_reporters_show_confidential(con):
    case(con, 1, datetime(2026, 11, 2, 9), source="supervision")
    add_private(con, 1, name="张三", phone="13812345678")
    case(con, 2, datetime(2026, 11, 2, 9), source="hotline")
    add_private(con, 2, name="李四", phone="13912345678", confidential=True)
    for case_id in (1, 2):
        detail = r.case_detail(con, scope(), case_id)
        assert detail["is_confidential"]
        assert (detail["reporter_name_masked"], detail["reporter_phone_masked"]) == ("保密", "保密")


def test_timeline_measures_each_step_in_working_hours_and_marks_the_late_ones(con):
    # Monday 2026-11-02; office hours 08:30-12:00 and 14:00-17:30. Each step is judged by its own
    # deadline (the case's column for that step) and shows its own configured limit.
    con.executemany("INSERT INTO time_limits VALUES (?, ?, ?, ?)", [
        ("*", "dispatch", 1, "work_hours"), ("*", "handle", 1, "work_days"), ("S0101", "handle", 4, "work_hours")])
    case(con, 1, datetime(2026, 11, 2, 9), dispatch_count=2, status="dispatched", dispatched_at=datetime(2026, 11, 2, 10),
         dispatch_deadline_at=datetime(2026, 11, 2, 11), handle_deadline_at=datetime(2026, 11, 2, 16))
    add_step(con, 1, 1, "report", datetime(2026, 11, 2, 9), opinion="问题上报")
    add_step(con, 1, 2, "dispatch", datetime(2026, 11, 2, 10), unit_code="C001", deadline_at=datetime(2026, 11, 2, 16))
    add_step(con, 1, 3, "redispatch", datetime(2026, 11, 2, 11), unit_code="C001", opinion="非本单位职责，联系13812345678")
    add_step(con, 1, 4, "dispatch", datetime(2026, 11, 2, 11, 30), unit_code="D43090201",
             deadline_at=datetime(2026, 11, 2, 16))
    add_step(con, 1, 5, "handle", datetime(2026, 11, 3, 9), unit_code="D43090201", deadline_at=datetime(2026, 11, 2, 16))
    steps = r.case_timeline(con, scope(), 1)
    assert steps.step_zh.tolist() == ["上报", "派遣", "回退（申请改派）", "派遣", "处置回告"]
    assert steps.unit_name.tolist()[1:] == ["市城管局", "市城管局", "资阳区城管局", "资阳区城管局"]
    assert steps.elapsed_minutes.tolist()[1:] == [60, 60, 30, 1290]
    assert steps.elapsed_work_hours.tolist()[1:] == [1.0, 1.0, 0.5, 4.5]      # 11:30-12, 14-17:30, 08:30-09
    assert steps.is_over_limit.tolist() == [False, False, False, True, True]  # the second dispatch came late
    assert steps.over_work_hours.tolist()[3] == 0.5                           # 11:00-11:30 past the dispatch deadline
    assert steps.over_work_hours.tolist()[4] == 2.0                           # 16:00-17:30 and 08:30-09:00
    # The dispatch step shows the dispatch limit, not the handling limit the unit then works to;
    # the handling step shows its 小类's own limit.
    assert steps.limit_text.tolist() == [None, "1 工作时", None, "1 工作时", "4 工作时"]
    assert steps.opinion.tolist()[2] == "非本单位职责，联系138****5678"
    detail = r.case_detail(con, scope(), 1)
    assert detail["bounce_count"] == 1 and detail["redispatch_count"] == 1


def test_an_open_case_reports_how_its_pending_step_stands_now(con):
    case(con, 1, datetime(2026, 11, 2, 9), status="dispatched", dispatched_at=datetime(2026, 11, 2, 10),
         handle_deadline_at=datetime(2026, 11, 20, 17, 30), deadline_at=datetime(2026, 11, 21, 9))
    detail = r.case_detail(con, scope(), 1)        # now: Monday 2026-11-23 10:00
    assert detail["pending_step_zh"] == "处置回告"
    assert detail["pending_is_overdue"] and detail["pending_over_work_hours"] == 1.5
    case(con, 2, datetime(2026, 11, 23, 9), status="reported", accept_deadline_at=datetime(2026, 11, 23, 11))
    two = r.case_detail(con, scope(), 2)
    assert (two["pending_step_zh"], two["pending_is_overdue"], two["pending_left_work_hours"]) == ("受理", False, 1.0)


def test_url_state_is_validated_against_the_allow_lists():
    sets = r.list_sets()
    state = r.parse_list_params({"set": "in_due", "sort": "-closed_at", "page": "3", "size": "100",
                                 "q": "　Ｓ０１ ", "case": "12"}, sets)
    assert (state.set_flag, state.sort, state.descending, state.page, state.page_size, state.query, state.case_id) == \
        ("in_due", "closed_at", True, 3, 100, "S01", 12)
    bad = r.parse_list_params({"set": "x; DROP TABLE cases", "sort": "description", "page": "-2", "size": "5000",
                               "case": "1 OR 1=1"}, sets)
    assert (bad.set_flag, bad.sort, bad.page, bad.page_size, bad.case_id) == (r.REPORTED_SET, "reported_at", 1, 50, None)
    assert len(bad.notices) == 5        # set, sort, page, size and case each say what was ignored
    assert r.parse_list_params({"sort": "reported_at"}, sets).sort_param() == "reported_at"
    assert r.parse_list_params({}, sets).sort_param() is None


def test_a_drill_down_link_carries_the_filters_and_the_set_but_not_the_page_state():
    from ui.widgets import case_list_params

    current = {"range": "custom", "start": "2026-11-01", "end": "2026-11-22", "district": "430902",
               "q": "垃圾", "case": "7", "set": "in_due"}
    assert case_list_params("in_due_on_time", current) == {
        "range": "custom", "start": "2026-11-01", "end": "2026-11-22", "district": "430902", "set": "in_due_on_time"}


def test_the_scope_prefix_exposes_no_raw_personal_column(con):
    from queries.runner import execute_text
    from tests.builders import add_person

    case(con, 1, datetime(2026, 11, 2, 9), source="hotline")
    add_private(con, 1, name="张三", phone="13812345678", id_no="430902199001011234", address="汽车路12号")
    add_person(con, 1, "王小明")
    for relation in ("scoped_case_reporters", "scoped_people"):
        cur = execute_text(con, f"SELECT * FROM {relation}", scope())  # noqa: S608 - constant names
        columns = [d[0] for d in cur.description]
        values = " ".join(str(v) for row in cur.fetchall() for v in row)
        assert not {"name", "reporter_name", "reporter_phone", "reporter_id_no", "address"} & set(columns)
        assert "张三" not in values and "13812345678" not in values and "王小明" not in values and "汽车路" not in values
