"""Bulletin building blocks: periods (natural week, 统计月, quarter, comparisons), numbers in words,
the Excel appendix writing text as text, the archive's history and 文号 sequence."""
from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from reports import archive, periods, words
from reports.content import Bulletin, Table
from reports.xlsx_out import render_xlsx


def test_a_week_is_monday_to_sunday_and_compares_with_the_week_before_and_the_same_week_last_year():
    w = periods.week_of(date(2026, 11, 26))          # a Thursday
    assert (w.start, w.end, w.label) == (date(2026, 11, 23), date(2026, 11, 30), "2026年第48周")
    assert w.previous().start == date(2026, 11, 16)
    assert w.year_ago().label == "2025年第48周"


def test_a_statistical_month_runs_from_the_21st_to_the_20th_and_is_named_after_its_end():
    m = periods.month(2026, 1, 21)
    assert (m.start, m.end, m.label) == (date(2025, 12, 21), date(2026, 1, 21), "2026年1月")
    assert m.span_text == "2025年12月21日至2026年1月20日"
    assert m.previous().start == date(2025, 11, 21) and m.year_ago().start == date(2024, 12, 21)


def test_calendar_months_quarters_and_years_compare_with_the_calendar_period_before():
    m = periods.month(2026, 3)
    assert (m.start, m.end) == (date(2026, 3, 1), date(2026, 4, 1))
    assert (m.previous().start, m.previous().end) == (date(2026, 2, 1), date(2026, 3, 1))   # 28 days, not 31
    q = periods.quarter(2026, 1)
    assert q.previous().label == "2025年第四季度" and q.year_ago().label == "2025年第一季度"
    assert periods.year(2026).previous().label == "2025年"
    c = periods.custom(date(2026, 3, 10), date(2026, 3, 20))
    assert (c.previous().start, c.previous().end) == (date(2026, 2, 28), date(2026, 3, 10))


def test_a_schedule_reports_on_the_latest_period_that_has_ended():
    assert periods.last_complete("week", date(2026, 12, 7)).start == date(2026, 11, 30)      # Monday → last week
    assert periods.last_complete("month", date(2026, 12, 1)).label == "2026年11月"
    assert periods.last_complete("month", date(2026, 1, 1)).label == "2025年12月"
    assert periods.last_complete("month", date(2026, 12, 7), 21).end == date(2026, 11, 21)
    assert periods.last_complete("month", date(2026, 12, 21), 21).end == date(2026, 12, 21)
    assert periods.last_complete("quarter", date(2026, 1, 5)).label == "2025年第四季度"


@pytest.mark.parametrize("text", ["2026-13", "2026/11", "11", ""])
def test_a_malformed_month_gets_a_chinese_message(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        periods.parse_month(text)


def test_changes_are_put_in_words_from_the_figures_as_shown():
    assert words.rate_change(0.9372, 0.9250, "上月") == "较上月上升 1.22 个百分点"
    assert words.rate_change(0.90, 0.90004, "上月") == "与上月持平"      # both shown as 90.00%
    assert words.rate_change(0.5, None, "上月") == ""
    assert words.count_change(1054, 1000, "上月") == "较上月增加 54 件（增长 5.4%）"
    assert words.count_change(90, 100, "去年同期") == "较去年同期减少 10 件（下降 10.0%）"
    assert words.count_change(12, 0, "上月") == "较上月增加 12 件"
    assert words.join_names(["甲", "乙", "丙"]) == "甲、乙和丙"


def _bulletin(tables):
    p = periods.month(2026, 11)
    return Bulletin(title="关于2026年11月全市社会治理案件办理情况的通报", doc_no="益阳指挥通报〔2026〕1号", issuer="指挥中心",
                    period=p, scope_text="范围：全市", generated_at=datetime(2026, 12, 1, 8), generated_by="测试",
                    is_empty=False, summary=["总体"], pipeline=[], sections=[("一、总体情况", ["总体"], tables)],
                    closing=["请整改。"])


def test_the_excel_appendix_writes_names_as_text_never_as_formulas():
    hostile = "=HYPERLINK(\"http://evil.example\",\"点我\")"
    frame = pd.DataFrame({"责任单位": [hostile, "+1+1", "市城管局"], "超期未结": [3, 2, 1], "结案率": [0.5, None, 1.0]})
    xlsx = render_xlsx(_bulletin([Table("表7 超期", frame, {"责任单位": "text", "超期未结": "count", "结案率": "rate"})]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["说明", "表7 超期"]
    ws = book["表7 超期"]
    assert [ws.cell(r, 1).value for r in (3, 4, 5)] == [hostile, "+1+1", "市城管局"]
    assert all(ws.cell(r, 1).data_type == "s" for r in (3, 4, 5))
    assert (ws.cell(3, 2).value, ws.cell(3, 3).value, ws.cell(4, 3).value) == (3, 0.5, "—")
    assert ws.cell(3, 3).number_format == "0.00%"
    assert book["说明"].cell(1, 1).value.startswith("关于2026年11月")


def test_the_history_records_who_generated_what_and_numbers_the_issues(tmp_path):
    b = _bulletin([])
    first = archive.save(tmp_path, b, {"docx": b"word", "pdf": b"%PDF"}, "page", ["430902"])
    second = archive.save(tmp_path, b, {"docx": b"word2"}, "cli")      # same second: a new name
    assert first.files["docx"] != second.files["docx"]
    assert (tmp_path / first.files["pdf"]).read_bytes() == b"%PDF"
    entries = archive.history(tmp_path)
    assert [e.origin for e in entries] == ["page", "cli"] or [e.origin for e in entries] == ["cli", "page"]
    assert {e.generated_by for e in entries} == {"测试"} and entries[0].period_label == "2026年11月"
    assert archive.next_seq(tmp_path, "month", 2026) == 3 and archive.next_seq(tmp_path, "week", 2026) == 1
    (tmp_path / archive.HISTORY_FILE).open("a", encoding="utf-8").write("not json\n")
    assert len(archive.history(tmp_path)) == 2


@pytest.mark.parametrize("access, where", [
    (lambda A: A.demo(), "范围：全市"),
    (lambda A: A.for_districts(("430903",), "区"), "范围：赫山区"),
    (lambda A: A.for_streets(("430902001",), ("430902",), "街道"), "范围：汽车路街道"),
    (lambda A: A.for_units(("C001",), "单位"), "范围：市城管局"),
])
def test_a_bulletin_names_the_scope_of_the_identity_that_asked_for_it(access, where):
    from queries.scope import Access, Scope
    from data.config import load_city
    from reports.content import _scope_text
    from tests.builders import new_db

    scope = Scope(date(2026, 10, 1), date(2026, 11, 1), access(Access))
    assert _scope_text(new_db(), scope, load_city()) == where


def test_overdue_backlog_counts_cases_open_past_their_deadline_at_the_periods_end_by_unit():
    from queries.cases import overdue_backlog
    from tests.builders import add_case, new_db, window_scope

    con = new_db()
    at = datetime
    d = dict(accepted_at=at(2026, 9, 1, 9), filed_at=at(2026, 9, 1, 9), dispatched_at=at(2026, 9, 1, 10),
             status="dispatched")
    add_case(con, reported_at=at(2026, 9, 1, 9), deadline_at=at(2026, 9, 20, 17), **d)                # 遗留超期
    add_case(con, reported_at=at(2026, 9, 1, 9), deadline_at=at(2026, 10, 5, 17), **d)                # 本期到期
    add_case(con, reported_at=at(2026, 9, 1, 9), deadline_at=at(2026, 10, 6, 17),
             closed_at=at(2026, 11, 3, 9), **(d | {"status": "closed"}))                              # closed after the end
    add_case(con, reported_at=at(2026, 9, 1, 9), deadline_at=at(2026, 10, 6, 17),
             closed_at=at(2026, 10, 20, 9), **(d | {"status": "closed"}))                             # closed in time: no
    add_case(con, reported_at=at(2026, 9, 1, 9), deadline_at=at(2026, 11, 6, 17), **d)                # due after: no
    add_case(con, reported_at=at(2026, 9, 1, 9), deadline_at=at(2026, 9, 6, 17), is_cancelled=True,
             **(d | {"status": "cancelled"}))                                                         # 作废: no
    add_case(con, reported_at=at(2026, 9, 1, 9), deadline_at=at(2026, 9, 6, 17), is_shelved=True,
             **(d | {"status": "shelved"}))                                                           # 挂账: no
    add_case(con, reported_at=at(2026, 9, 1, 9), deadline_at=at(2026, 9, 6, 17), district="430903", **d)
    scope = window_scope(start_date=date(2026, 10, 1), end_date=date(2026, 11, 1))
    rows = overdue_backlog(con, scope)[["unit_code", "unit_name", "period_overdue_count", "carried_overdue_count",
                                        "overdue_count"]].values.tolist()
    assert rows == [["D43090201", "资阳区城管局", 2, 1, 3], ["D43090301", "赫山区城管局", 0, 1, 1]]
    district = overdue_backlog(con, window_scope(start_date=date(2026, 10, 1), end_date=date(2026, 11, 1),
                                                 districts=("430903",)))
    assert district.overdue_count.tolist() == [1]


def test_the_top_categories_compare_with_the_previous_calendar_month_not_the_days_before():
    from data.config import load_city
    from queries.kpis import registry
    from queries.scores import load_scores
    from reports.config import load_bulletin_config
    from reports.content import build
    from tests.builders import add_cases, new_db
    from queries.scope import Access, Scope

    con = new_db()
    # March has 31 days: the 31 days before it start on 29 January. Two cases on 30 January belong to
    # the equal-length window, not to February, which has one.
    add_cases(con, [dict(reported_at=datetime(2026, 1, 30, 9), accepted_at=datetime(2026, 1, 30, 9)) for _ in range(2)]
              + [dict(reported_at=datetime(2026, 2, 10, 9), accepted_at=datetime(2026, 2, 10, 9))]
              + [dict(reported_at=datetime(2026, 3, 5, 9), accepted_at=datetime(2026, 3, 5, 9)) for _ in range(4)])
    city = load_city()
    period = periods.month(2026, 3)
    b = build(con, Scope(period.start, period.end, Access.demo(), now_at=datetime(2026, 4, 2, 9)), period, city=city,
              scores=load_scores(city.scores_path, registry(city)), config=load_bulletin_config(),
              generated_by="测试", generated_at=datetime(2026, 4, 2, 9))
    events = next(t for t in b.tables if t.title.startswith("表3")).frame
    assert events[["小类", "受理数", "上月", "变化"]].values.tolist() == [["暴露垃圾", 4, 1, "较上月增加 3 件（增长 300.0%）"]]
