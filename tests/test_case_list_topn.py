"""The case list's late-materialised path (case_list.sql ids → case_rows.sql rows, case_count.sql
apart; a searched list's ids and total from case_search.sql) against the single query it replaced
(whole rows sorted, the total as count(*) OVER ()): same page, same order, same total, for every sort,
direction, page, set and search on random cases with ties and NULLs in every sort key. And the list
behind a KPI number counts what the number counts; a searched page scans the descriptions once."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import duckdb
import pytest

from data.config import load_city
from queries import case_records as r
from queries.cases import case_kpis
from queries.kpis import registry
from benchmarks.bench_case_pages import single_query_page as reference_page
from tests.builders import add_cases, fetched_names, new_db, window_scope

def random_city(con, n=220, seed=13):
    rng = random.Random(seed)
    base = datetime(2026, 10, 20, 8)
    rows = []
    for i in range(1, n + 1):
        # Few distinct values per key: ties everywhere, broken by case_id only.
        reported = base + timedelta(days=rng.randrange(0, 36), hours=rng.choice((0, 3)))
        deadline = None if rng.random() < 0.15 else reported + timedelta(days=rng.choice((1, 3, 5)))
        closed = None if rng.random() < 0.4 else reported + timedelta(days=rng.choice((1, 2, 4, 6)))
        dispatched = reported + timedelta(hours=1) if rng.random() < 0.85 else None
        rows.append(dict(
            case_id=i, reported_at=reported, accepted_at=reported, filed_at=reported, dispatched_at=dispatched,
            deadline_at=deadline, closed_at=closed, status="closed" if closed else rng.choice(("dispatched", "filed")),
            district=rng.choice(("430902", "430903")),
            unit_code=rng.choice(("C001", "D43090201", "D43090301", None)),
            category_code=rng.choice(("S0101", "B0201")), source=rng.choice(("grid", "hotline")),
            case_no=f"{rng.choice(('S01', 'B02'))}{reported:%Y%m%d}{rng.randrange(0, 30):05d}",
            description=rng.choice(("路口暴露垃圾", "路灯不亮", "占道经营", "LED屏黑屏", "led灯箱破损")),
            is_deferred=rng.random() < 0.05, is_cancelled=rng.random() < 0.03))
    add_cases(con, rows)


@pytest.fixture(scope="module")
def city():
    con = new_db()
    random_city(con)
    yield con
    con.close()


def _same(con, scope, set_flag, query, sort, descending, page_size=50):
    total = r.case_count(con, scope, set_flag, query)
    pages = max(1, -(-total // page_size))
    for page in range(1, pages + 2):       # one past the end: the last page again
        want, want_total = reference_page(con, scope, set_flag, query, sort, descending, min(page, pages), page_size)
        # Counted with the page (a search: one query), and with the count the page caches apart.
        for known in (None, total):
            got = r.case_list(con, scope, set_flag, query, sort, descending, page, page_size, total=known)
            assert got.total == total == (want_total or 0), (set_flag, query, sort, descending, page, known)
            assert got.page == min(page, pages)
            shown = got.rows.drop(columns=["status_zh", "overdue_zh"])
            assert shown.equals(want), (set_flag, query, sort, descending, page, known)
    return total


@pytest.mark.parametrize("sort", list(r.SORTS))
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_and_page_of_the_reported_list_is_the_page_the_single_query_gave(city, sort, descending):
    assert _same(city, window_scope(), r.REPORTED_SET, "", sort, descending) > 100


@pytest.mark.parametrize("set_flag", ["is_overdue_open", "in_due", "in_due_on_time", "in_closed", "in_disposal_den"])
def test_the_lists_behind_kpi_numbers_and_the_overdue_list_are_the_pages_the_single_query_gave(city, set_flag):
    for sort, descending in (("deadline_at", False), ("unit_code", True), ("closed_at", True)):
        assert _same(city, window_scope(), set_flag, "", sort, descending) > 0


def test_search_and_filters_give_the_same_pages_and_totals(city):
    scope = window_scope(districts=("430903",))
    for query in ("S01", "垃圾", "S0120261101", "led"):
        _same(city, scope, r.REPORTED_SET, query, "reported_at", True)
        _same(city, window_scope(), "in_due", query, "case_no", False)


@pytest.mark.parametrize("sort", list(r.SORTS))
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_and_page_of_a_searched_list_is_the_page_the_single_query_gave(city, sort, descending):
    # Page size 20: the matches span several pages. "Led" finds both cases of "LED" and "led".
    assert _same(city, window_scope(), r.REPORTED_SET, "Led", sort, descending, page_size=20) > 40
    assert _same(city, window_scope(), "in_closed", "灯", sort, descending, page_size=20) > 20
    assert _same(city, window_scope(), "is_overdue_open", "灯", sort, descending, page_size=20) > 20


def test_phone_like_and_unmatched_searches_give_the_same_pages_and_totals(city):
    # 7+ digits: case numbers only, never descriptions; nothing matches: an empty first page, total 0.
    assert _same(city, window_scope(), r.REPORTED_SET, "S012026110", "reported_at", True, page_size=20) > 0
    assert _same(city, window_scope(), r.REPORTED_SET, "无此内容", "reported_at", True) == 0
    assert _same(city, window_scope(), "is_overdue_open", "ZZ9", "deadline_at", False) == 0


def test_a_searched_page_and_its_total_come_from_one_pass_over_the_descriptions(city, monkeypatch):
    """The count and the page of a search each scanned every description of the window (10M cases, two
    years: 6.6 s became 11.2 s). Now one query gives both; without a search the count stays apart."""
    names = fetched_names(monkeypatch, r)
    scope = window_scope()
    page = r.case_list(city, scope, r.REPORTED_SET, "垃圾", "reported_at", True, 1, 20)
    assert (names, page.total > 20, len(page.rows)) == (["case_search", "case_rows"], True, 20)
    names.clear()
    export = r.case_export(city, scope, "in_closed", "led", "deadline_at", False)
    assert names == ["case_search", "case_rows"] and export.total == len(export.rows) > 0
    names.clear()
    r.case_list(city, scope, r.REPORTED_SET, "", "reported_at", True, 1, 20)
    assert names == ["case_count_reported", "case_list_reported", "case_rows"]   # the default list
    names.clear()
    r.case_list(city, scope, r.REPORTED_SET, "", "reported_at", True, 2, 20, total=page.total)
    assert names == ["case_list_reported", "case_rows"]
    # An old link past the end of a search: the last page, counted apart only then.
    names.clear()
    last = r.case_list(city, scope, r.REPORTED_SET, "垃圾", "reported_at", True, 99, 20)
    assert last.page == last.pages and len(last.rows) == last.total - 20 * (last.pages - 1) > 0
    assert names == ["case_search", "case_search", "case_search", "case_rows"]


def test_a_list_behind_a_kpi_number_counts_exactly_what_the_number_counts(city):
    scope = window_scope()
    figures = case_kpis(city, scope)
    checked = 0
    for kpi in registry(load_city()).values():
        for flag, column in ((kpi.numerator_set, kpi.numerator), (kpi.denominator_set, kpi.denominator),
                             (kpi.pending_set, kpi.pending)):
            if flag and column and column.endswith(("_count", "_den", "_num")) and flag in r.list_sets():
                assert r.case_count(city, scope, flag, "") == int(figures[column]), (flag, column)
                checked += 1
    assert checked >= 10


def test_count_and_rows_with_a_few_cases():
    con = new_db()
    t = datetime(2026, 11, 2, 9)
    add_cases(con, [
        dict(case_id=1, reported_at=t, deadline_at=t + timedelta(days=1), closed_at=t + timedelta(hours=5), status="closed"),
        dict(case_id=2, reported_at=t, deadline_at=t + timedelta(days=1), status="dispatched", dispatched_at=t),
        dict(case_id=3, reported_at=t - timedelta(days=40), deadline_at=t - timedelta(days=39), status="dispatched",
             dispatched_at=t - timedelta(days=40)),                   # before the window, still open: overdue
        dict(case_id=4, reported_at=t + timedelta(days=1)),
    ])
    scope = window_scope()
    assert [r.case_count(con, scope, f, "") for f in (r.REPORTED_SET, "is_overdue_open", "in_due")] == [3, 2, 2]
    assert r.case_count(con, scope, r.REPORTED_SET, "ZZ9") == 0
    overdue = r.case_list(con, scope, "is_overdue_open", "", "reported_at", False, 1, 20)
    assert (overdue.total, overdue.rows.case_id.tolist(), overdue.rows.is_overdue_open.tolist()) == (2, [3, 2], [True, True])
    # One page of one: case_id breaks the tie of 1 and 2 (same reported_at), descending.
    assert [r.case_list(con, scope, r.REPORTED_SET, "", "reported_at", True, p, 20).rows.case_id.tolist()
            for p in (1,)] == [[4, 2, 1]]
    # A page past the end with a known total (the page's cached count) shows the last page.
    last = r.case_list(con, scope, r.REPORTED_SET, "", "reported_at", False, 7, 20, total=3)
    assert (last.page, last.rows.case_id.tolist()) == (1, [2, 1, 4])
    con.close()


def test_like_finds_what_ilike_finds_for_every_search_without_letter_case():
    """case_search.sql matches descriptions with LIKE when the search has no character with a case.
    That is exact if DuckDB's ILIKE lowers code point by code point and every code point it changes, and
    every one it yields, has a case by has_letter_case: checked over all of Unicode."""
    con = duckdb.connect()
    changed = con.execute("""
        SELECT i::INTEGER, lower(chr(i::INTEGER)) FROM range(0, 1114112) t(i)
        WHERE (i < 55296 OR i > 57343) AND lower(chr(i::INTEGER)) <> chr(i::INTEGER)""").fetchall()
    assert len(changed) > 1000
    assert [(hex(i), low) for i, low in changed
            if len(low) != 1 or not r.has_letter_case(chr(i)) or not r.has_letter_case(low)] == []
    # ILIKE lowers as lower() does: each such pair matches case-insensitively, never with LIKE.
    pairs = con.execute("SELECT count(*) FILTER (WHERE a ILIKE b), count(*) FILTER (WHERE a LIKE b) FROM "
                        "(SELECT unnest($a::VARCHAR[]) AS a, unnest($b::VARCHAR[]) AS b)",
                        {"a": [chr(i) for i, _ in changed], "b": [low for _, low in changed]}).fetchone()
    assert pairs == (len(changed), 0)
    assert not r.has_letter_case("路口暴露垃圾 12345 #%_\\") and r.has_letter_case("led") and r.has_letter_case("ǅ")
