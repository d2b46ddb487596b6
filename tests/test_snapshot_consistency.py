"""One snapshot per run (security.md rule 15) and new snapshots that always open.

A writer publishing in the middle of a render must not make the render mix two versions, and a
version opened twice in one process (DuckDB keeps one instance per path) must open both times.
"""
from __future__ import annotations

import threading
from datetime import datetime

import duckdb
import pytest

from data.config import published_path
from data.store import publish
from queries.db import SnapshotReader, connect_readonly
from tests.builders import add_case, new_db
from tests.pagetools import clear_caches, use_test_db

COUNT = "SELECT count(*) FROM cases"


def _published_db(tmp_path, cases: int = 1):
    db = tmp_path / "snap.duckdb"
    con = new_db(db)
    for _ in range(cases):
        add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
    publish(con, db)
    return db, con


def test_the_same_snapshot_opens_twice_in_one_process_and_stays_locked(tmp_path):
    db, con = _published_db(tmp_path)
    first = connect_readonly(published_path(db))
    second = connect_readonly(published_path(db))        # raised InvalidInputException before
    assert second.execute(COUNT).fetchone()[0] == 1
    (tmp_path / "secret.csv").write_text("a\n1\n")
    for probe in (f"SELECT * FROM read_csv('{tmp_path}/secret.csv')", "SET enable_external_access = true",
                  "INSTALL spatial"):
        with pytest.raises(duckdb.Error):
            second.execute(probe)
    first.close(), second.close(), con.close()


def test_two_readers_of_one_path_both_follow_every_publish(tmp_path):
    db, con = _published_db(tmp_path)
    readers = [SnapshotReader(published_path(db)), SnapshotReader(published_path(db))]
    for n in range(2, 6):
        add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
        publish(con, db)
        for reader in readers:
            assert reader.cursor().execute(COUNT).fetchone()[0] == n
            assert reader.last_error is None and reader.open_failures == 0
    con.close()


def test_a_pinned_snapshot_keeps_its_version_while_newer_ones_are_published(tmp_path):
    db, con = _published_db(tmp_path)
    reader = SnapshotReader(published_path(db))
    pin = reader.pin()
    for _ in range(4):   # past the writer's `keep`: the pinned file may be pruned, its data stays
        add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
        publish(con, db, keep=1, grace_seconds=0)
    assert pin.cursor().execute(COUNT).fetchone()[0] == 1
    assert reader.pin().cursor().execute(COUNT).fetchone()[0] == 5
    assert reader.pin().version != pin.version
    con.close()


def test_threads_reading_while_a_writer_publishes_never_fail_to_open(tmp_path):
    db, con = _published_db(tmp_path)
    reader = SnapshotReader(published_path(db))
    stop = threading.Event()
    errors: list[str] = []
    backwards: list[tuple[int, int]] = []

    def hammer():
        last = 0
        while not stop.is_set():
            try:
                n = reader.cursor().execute(COUNT).fetchone()[0]
            except Exception as exc:   # noqa: BLE001 - counted, the assertion below reports it
                errors.append(repr(exc))
                continue
            if n < last:
                backwards.append((last, n))
            last = n

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(40):
        add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
        publish(con, db, keep=2, grace_seconds=0)
    stop.set()
    for t in threads:
        t.join()
    assert (errors, reader.open_failures, backwards) == ([], 0, [])
    assert reader.cursor().execute(COUNT).fetchone()[0] == 41
    con.close()


def _render_with_a_publish_in_the_middle():
    """A page whose render is interrupted by a writer: every read must still show one version."""
    import os
    from datetime import datetime
    from pathlib import Path

    import streamlit as st

    from data.store import writer
    from tests.builders import add_case, window_scope
    from ui import cache

    scope = window_scope()
    st.text(f"first {cache.get('case_kpis', scope, ('accepted_count',)).accepted_count}")
    st.text(f"meta {cache.meta().get('n', '0')}")
    if not st.session_state.get("published"):
        st.session_state["published"] = True
        with writer(Path(os.environ["DASHBOARD_DB"]), touch_meta=None) as con:
            add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('n', '2', now())")
    st.text(f"second {int(cache.get('case_kpis', scope).accepted_count)}")
    st.text(f"raw {int(cache.fresh('case_kpis', scope, ('accepted_count',)).accepted_count)}")
    st.text(f"meta {cache.meta().get('n', '1')}")
    st.text(f"version {cache.snapshot().version}")


def test_one_render_reads_one_snapshot_even_when_a_writer_publishes_mid_render(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    con = new_db()
    add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
    con.execute("INSERT OR REPLACE INTO meta VALUES ('n', '1', now())")
    use_test_db(con, tmp_path, monkeypatch)
    try:
        at = AppTest.from_function(_render_with_a_publish_in_the_middle, default_timeout=60)
        at.run()
        assert not at.exception, at.exception
        texts = [t.value for t in at.text]
        assert texts[:5] == ["first 1", "meta 1", "second 1", "raw 1", "meta 1"], texts
        first_version = texts[5]
        at.run()    # the next run reads the new version, all of it
        texts = [t.value for t in at.text]
        assert texts[:5] == ["first 2", "meta 2", "second 2", "raw 2", "meta 2"], texts
        assert texts[5] != first_version
    finally:
        clear_caches()


def test_threads_opening_a_new_version_at_the_same_moment_all_get_a_hardened_connection(tmp_path):
    db, con = _published_db(tmp_path)
    con.close()
    barrier = threading.Barrier(8)
    outcomes: list[object] = []

    def open_it():
        barrier.wait()
        try:
            c = connect_readonly(published_path(db))
            outcomes.append(c.execute("SELECT current_setting('enable_external_access')").fetchone()[0])
        except Exception as exc:   # noqa: BLE001 - reported by the assertion
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == [False] * 8
