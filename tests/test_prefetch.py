"""ui/cache.prefetch: a page's queries started on the prefetch threads, taken by the page's own get().

Each query runs once, on a prefetch thread, against the run's pinned snapshot (even when a writer
publishes before the thread reads), in parallel with the others; a failure there is raised again by
the page's own call; with DASHBOARD_PREFETCH_THREADS=0 nothing runs ahead. The pages that prefetch
show the same numbers either way (总览 and 指挥大屏 below).
"""
from __future__ import annotations

import threading
from datetime import datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.store import writer
from tests.builders import add_case, new_db, window_scope
from tests.pagetools import clear_caches, metric_values, use_test_db
from ui import cache

COUNT = "SELECT count(*) FROM cases"


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    con = new_db()
    for day in (2, 3, 4):
        add_case(con, reported_at=datetime(2026, 11, day, 9), accepted_at=datetime(2026, 11, day, 9))
    use_test_db(con, tmp_path, monkeypatch)
    monkeypatch.setenv("DASHBOARD_PREFETCH_THREADS", "3")
    yield
    clear_caches()


def _probe(monkeypatch, body):
    """Registers query 'probe' (args: a tag); every computation is recorded as (tag, thread name, snapshot)."""
    computed: list[tuple[str, str, object]] = []

    def probe(snap, scope, tag):
        computed.append((tag, threading.current_thread().name, snap))
        return body(snap, tag)

    monkeypatch.setitem(cache.QUERIES, "probe", probe)
    return computed


def test_prefetched_queries_run_once_each_in_parallel_on_the_runs_snapshot(app_db, monkeypatch):
    together = threading.Barrier(3, timeout=20)   # passes only when all three run at the same time
    started = threading.Semaphore(0)

    def body(snap, tag):
        started.release()
        together.wait()
        return pd.DataFrame({"tag": [tag], "n": [snap.cursor().execute(COUNT).fetchone()[0]]})

    computed = _probe(monkeypatch, body)
    scope = window_scope()
    with cache.pinned() as snap:
        cache.prefetch(*[("probe", scope, tag) for tag in ("a", "b", "c")])
        assert all(started.acquire(timeout=20) for _ in range(3))   # under way before the page asks
        got = [cache.get("probe", scope, tag) for tag in ("a", "b", "c")]
        again = [cache.get("probe", scope, tag) for tag in ("a", "b", "c")]
    assert [(g.tag[0], g.n[0]) for g in got] == [("a", 3), ("b", 3), ("c", 3)]
    assert all(a.equals(g) for a, g in zip(again, got))
    assert sorted(tag for tag, _, _ in computed) == ["a", "b", "c"]          # once each, none on the page's thread
    assert all(name.startswith("prefetch") for _, name, _ in computed), computed
    assert all(s is snap for _, _, s in computed)


def test_a_prefetch_reads_the_pinned_snapshot_when_a_writer_publishes_first(app_db, monkeypatch):
    release = threading.Event()

    def body(snap, tag):
        release.wait(timeout=20)
        return snap.cursor().execute(COUNT).fetchone()[0]

    _probe(monkeypatch, body)
    scope = window_scope()
    import os
    from pathlib import Path

    with cache.pinned():
        cache.prefetch(("probe", scope, "late"))
        with writer(Path(os.environ["DASHBOARD_DB"]), touch_meta=None) as con:   # publishes a 4th case
            add_case(con, reported_at=datetime(2026, 11, 5, 9), accepted_at=datetime(2026, 11, 5, 9))
        release.set()
        assert cache.get("probe", scope, "late") == 3
    with cache.pinned() as newer:
        assert newer.cursor().execute(COUNT).fetchone()[0] == 4


def test_a_prefetch_that_fails_fails_again_on_the_page_and_keeps_nothing(app_db, monkeypatch):
    started = threading.Event()

    def body(snap, tag):
        started.set()
        raise ValueError(f"数据库暂时无法读取 {tag}")

    computed = _probe(monkeypatch, body)
    scope = window_scope()
    with cache.pinned():
        cache.prefetch(("probe", scope, "x"))
        assert started.wait(timeout=20)
        with pytest.raises(ValueError, match="数据库暂时无法读取 x"):
            cache.get("probe", scope, "x")
    assert len(computed) == 2    # the prefetch's and the page's own: a failure is never stored
    assert cache.results().hits == 0


def test_no_prefetch_threads_means_every_query_runs_on_the_pages_thread(app_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_PREFETCH_THREADS", "0")
    computed = _probe(monkeypatch, lambda snap, tag: tag)
    scope = window_scope()
    with cache.pinned():
        cache.prefetch(("probe", scope, "a"))
        assert computed == []
        assert cache.get("probe", scope, "a") == "a"
    assert [name for _, name, _ in computed] == [threading.current_thread().name]


WATCHED = ("case_kpis", "area_summary", "unit_league")


def _page_run(page: str, monkeypatch, threads: str, originals: dict) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Runs `page` cold with DASHBOARD_PREFETCH_THREADS=`threads`: (what it shows: metrics and markdown,
    the (query, thread) of every computation of the WATCHED queries)."""
    monkeypatch.setenv("DASHBOARD_PREFETCH_THREADS", threads)
    clear_caches()
    computed: list[tuple[str, str]] = []
    for name, original in originals.items():
        def recorded(*args, _name=name, _original=original, **kwargs):
            computed.append((_name, threading.current_thread().name))
            return _original(*args, **kwargs)

        monkeypatch.setitem(cache.QUERIES, name, recorded)
    at = AppTest.from_file(page, default_timeout=60).run()
    assert not at.exception, at.exception
    shown = metric_values(at) | {f"markdown {i}": m.value for i, m in enumerate(at.markdown)}
    return shown, computed


@pytest.mark.parametrize("page", ["../dashboard.py", "../pages/wall.py"])
def test_the_pages_show_the_same_with_and_without_prefetching(page, app_db, monkeypatch):
    originals = {name: cache.QUERIES[name] for name in WATCHED}
    shown_on, computed_on = _page_run(page, monkeypatch, "3", originals)
    shown_off, computed_off = _page_run(page, monkeypatch, "0", originals)
    assert len(shown_on) > 10
    assert {k: (v, shown_off.get(k)) for k, v in shown_on.items() if shown_off.get(k) != v} == {}
    assert shown_on.keys() == shown_off.keys()
    assert sorted(name for name, _ in computed_on) == sorted(name for name, _ in computed_off)
    assert not any(thread.startswith("prefetch") for _, thread in computed_off), computed_off
    assert any(thread.startswith("prefetch") for name, thread in computed_on if name == "case_kpis"), computed_on


def test_a_handed_snapshot_and_store_give_way_to_the_threads_own_after_the_block(app_db):
    from ui.result_cache import ResultCache

    other = ResultCache(max_bytes=2 ** 20, ttl_seconds=60)
    with cache.pinned() as mine:
        with cache.handed(cache.reader().pin(), other):
            assert cache._store() is other
        assert cache.snapshot() is mine and cache._store() is cache.results()
