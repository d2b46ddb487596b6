"""Markup from data (issue 12): an uploaded file's name, its header names and the city name are
data, never markdown. A file named `![x](http://…/b.png).csv` made the browser fetch that image."""
from __future__ import annotations

import re

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data.ingest.sample import build_frame
from data.store import writer
from tests.ingest_support import csv_bytes
from tests.pagetools import clear_caches

HOSTILE_NAME = "![x](http://127.0.0.1:8799/b.png)"
HOSTILE_HEADER = "[点我](http://evil.example/x)"
HOSTILE_CITY = "![c](http://127.0.0.1:8799/c.png):red[假城市]"
# Live markdown: an image or link, or a Streamlit colour directive, not preceded by a backslash.
_LIVE = re.compile(r"(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\((?:http|/)|(?<!\\):red(?<!\\)\[")


def live_markup(at: AppTest) -> list[str]:
    texts = [e.value for kind in ("markdown", "caption", "title", "success", "error", "warning", "info")
             for e in getattr(at, kind)]
    return [t for t in texts if isinstance(t, str) and _LIVE.search(t)]


@pytest.fixture
def empty_city(tmp_path, monkeypatch):
    db = tmp_path / "city.duckdb"
    with writer(db):
        pass
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_NOW", "2026-11-23T15:30:00")
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    clear_caches()
    yield db
    clear_caches()


def _import_page(files: list[tuple[str, bytes]]) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=120)
    at.switch_page("pages/imports.py")
    at.run()
    at.file_uploader(key="upload").set_value([(n, d, "text/csv") for n, d in files])
    at.run()
    at.button(key="start").click()
    return at.run()


def test_a_file_name_and_header_names_render_as_text_on_the_import_page(empty_city):
    frame = build_frame(5, seed=3)
    frame[HOSTILE_HEADER] = "x"
    good = csv_bytes(frame)
    at = _import_page([(HOSTILE_NAME + ".csv", good), (HOSTILE_NAME + "_bad.csv", b"\x00\x01garbage")])
    assert not at.exception
    assert len(at.success) == 1 and len(at.error) == 1
    live = live_markup(at)
    print(f"import page: {len(at.success) + len(at.error) + len(at.caption)} messages, {len(live)} with live markup")
    assert live == []
    assert "\\!\\[x\\]" in at.success[0].value and "\\!\\[x\\]" in at.error[0].value


def test_the_city_name_renders_as_text_in_the_menu_and_the_overview_title(empty_city):
    with writer(empty_city) as con:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('city_name', $v, now())", {"v": HOSTILE_CITY})
    clear_caches()
    at = AppTest.from_file("../dashboard.py", default_timeout=120).run()
    assert not at.exception
    live = live_markup(at)
    print(f"overview with a hostile city name: {len(live)} elements with live markup")
    assert live == []
    assert any("\\!\\[c\\]" in t.value for t in at.title)
