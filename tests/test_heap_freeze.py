"""ui/heap.py: the server freezes the imported heap once per process, at the first page run, so Python's
full collections skip it (docs/performance.md 5c, session 8)."""
from __future__ import annotations

from datetime import datetime

from streamlit.testing.v1 import AppTest

from tests.builders import add_case, new_db
from tests.pagetools import clear_caches, publish_test_db
from ui import heap


def _counted(monkeypatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(heap, "_frozen", False)
    monkeypatch.setattr(heap.gc, "freeze", lambda: calls.append("freeze"))
    real_register = heap.atexit.register
    monkeypatch.setattr(heap.atexit, "register", lambda fn, *a, **k: calls.append("atexit:unfreeze")
                        if fn is heap._thaw else real_register(fn, *a, **k))
    return calls


def test_the_heap_is_frozen_once_per_process_and_handed_back_at_exit(monkeypatch):
    calls = _counted(monkeypatch)
    assert heap.freeze_imports() is True
    assert heap.freeze_imports() is False
    assert heap.freeze_imports() is False
    assert calls == ["freeze", "atexit:unfreeze"]


def _one_case_city(tmp_path, monkeypatch) -> None:
    """The app pointed at a published city of one case, the clock pinned, caches cleared."""
    con = new_db()
    add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9))
    db = tmp_path / "heap.duckdb"
    publish_test_db(con, db)
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_NOW", "2026-11-23T10:00:00")
    clear_caches()


def test_the_first_page_run_freezes_and_later_runs_do_not(tmp_path, monkeypatch):
    _one_case_city(tmp_path, monkeypatch)
    calls = _counted(monkeypatch)
    try:
        at = AppTest.from_file("../dashboard.py", default_timeout=60).run()
        assert not at.exception
        assert calls == ["freeze", "atexit:unfreeze"]
        AppTest.from_file("../dashboard.py", default_timeout=60).run()
        at.run()
        assert calls == ["freeze", "atexit:unfreeze"]
    finally:
        clear_caches()


def test_a_wall_screen_freezes_too(tmp_path, monkeypatch):
    """pages/wall.py draws through ui.wall.setup_wall, not setup_page: a process whose only sessions
    are wall screens must freeze its heap as well."""
    _one_case_city(tmp_path, monkeypatch)
    calls = _counted(monkeypatch)
    try:
        at = AppTest.from_file("../pages/wall.py", default_timeout=60).run()
        assert not at.exception
        assert calls == ["freeze", "atexit:unfreeze"]
    finally:
        clear_caches()
