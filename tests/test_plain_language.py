"""No developer text on any page: what an official reads is Chinese, with no file paths, config keys,
internal table names or source codes (issue 14). Every page of a small generated demo is rendered and
everything it shows as text (titles, markdown, captions, notices, metric labels and tooltips,
expanders, table headers) is searched for the marks of developer text."""
from __future__ import annotations

import re
from datetime import date

import pytest

from data import seed
from tests.pagetools import clear_caches, run_page

PAGES = ["dashboard.py", "pages/map.py", "pages/trends.py", "pages/league.py", "pages/cases.py", "pages/party.py",
         "pages/signals.py", "pages/bulletin.py", "pages/definitions.py", "pages/imports.py", "pages/audit.py",
         "pages/wall.py"]
DEVELOPER_TEXT = re.compile(
    r"[\w./-]+\.(?:csv|toml|py|duckdb|sql|jsonl?)\b|DASHBOARD_[A-Z_]+|\bimport_(?:rejects|ledger|records|flags)\b"
    r"|\bcase_facts\b|\[(?:kpi|bulletin|signals|wall|calendar)\]|league_min_volume|webhook_url|chinesecalendar"
    r"|cnmaps|\b(?:hotline|app|media)\b(?:、|$)|Upload|\d+MB per file")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("plain") / "demo.duckdb"
    seed.build(db, n_cases=4000, seed=5, today=date(2026, 11, 23), progress=lambda _m: None)
    return db


def shown_text(at) -> list[str]:
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        texts += [m.label, m.value, m.proto.help]
    texts += [e.label for e in at.expander]
    for frame in at.dataframe:
        texts += [str(c) for c in frame.value.columns]
    return [t for t in texts if t]


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_developer_text(demo, page, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(demo))
    monkeypatch.setenv("DASHBOARD_NOW", "2026-11-23T15:30:00")
    clear_caches()
    try:
        at = run_page(page)
        offending = [t for t in shown_text(at) if DEVELOPER_TEXT.search(t)]
        assert offending == [], offending
    finally:
        clear_caches()
