"""queries.runner runs every query from a statement parsed once per process (runner.parsed): the
same rows as the text, and one shared parse never carries one session's parameters into another's
rows, however many threads run it at once."""
from __future__ import annotations

import threading
from datetime import datetime

import duckdb
import pytest

from queries import runner
from queries import cases as q
from queries.scope import Access
from tests.builders import add_cases, new_db, window_scope

DISTRICTS = ("430902", "430903")


@pytest.fixture()
def con():
    con = new_db()
    # District 430902 gets 7 cases, 430903 gets 3: a count tells whose rows came back.
    add_cases(con, [{"district": d, "reported_at": datetime(2026, 11, 10, 9 + i),
                     "accepted_at": datetime(2026, 11, 10, 10 + i)}
                    for d, n in zip(DISTRICTS, (7, 3)) for i in range(n)])
    yield con
    con.close()


def test_fetch_parses_each_text_once_and_gives_other_engines_the_text(con):
    runner.parsed.cache_clear()
    runner.parameters.cache_clear()
    for _ in range(3):
        q.case_kpis(con, window_scope(), ("accepted_count",), live=False)
    info = runner.parsed.cache_info()
    # Each text (the count, and kpi_daily's question where the window asks it) parsed once; every run reuses it.
    assert info.misses == info.currsize >= 1 and info.hits >= 3 * info.misses

    seen = []

    class TextCursor:      # a cursor of another engine (queries/engines.py translates the text)
        def execute(self, query, params):
            seen.append(query)
            return con.cursor().execute(query, params)

        def close(self):
            pass

    class TextSource:
        def cursor(self):
            return TextCursor()

    got = q.case_kpis(TextSource(), window_scope(), ("accepted_count",), live=False)
    assert int(got["accepted_count"]) == 10
    assert seen and all(isinstance(s, str) for s in seen)


def test_parsed_and_text_give_the_same_rows_for_every_grouping_and_grant(con):
    for access in (Access.demo(), Access.for_districts(("430902",), "资阳区"), Access.for_districts(("430903",), "赫山区")):
        for by in ("all", "district", "street", "unit"):
            scope = window_scope(access=access)
            sql = runner.compose("kpi_counts")
            bound = {k: v for k, v in scope.params().items() if k in runner.parameters(sql)} | {"by": by}
            text = con.cursor().execute(sql, bound).df()
            parsed = con.cursor().execute(runner.parsed(sql), bound).df()
            assert text.equals(parsed), (access.label, by)
            assert not text.empty


def test_one_parse_shared_by_many_threads_gives_each_its_own_grant(con):
    expected = {"430902": 7, "430903": 3}
    wrong, errors, runs = [], [], 15

    def run(district: str) -> None:
        scope = window_scope(access=Access.for_districts((district,), district))
        for _ in range(runs):
            try:
                got = int(q.case_kpis(con, scope, ("accepted_count",))["accepted_count"])
            except Exception as exc:   # noqa: BLE001 - counted, not raised from a thread
                errors.append(repr(exc))
                continue
            if got != expected[district]:
                wrong.append((district, got))

    threads = [threading.Thread(target=run, args=(d,)) for d in DISTRICTS * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert wrong == []      # no run received another district's count
    # The shared statement still holds no values: its text and parameter names are as parsed.
    sql = runner.compose_columns("kpi_counts", q.GROUP_COLUMNS + ("accepted_count",))
    assert runner.parsed(sql).query == duckdb.extract_statements(sql)[0].query
    assert "access_districts" in runner.parsed(sql).named_parameters


def test_a_text_of_two_statements_is_refused():
    with pytest.raises(ValueError):
        runner.parsed("SELECT 1; SELECT 2")
