"""A new user imports New York's 311 fixture (README) and browses it: every page renders on the
imported city (its own areas without polygons, its agencies as units, 2013 dates) with no error."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data.ingest.run import import_file
from tests.ingest_support import fixture
from tests.pagetools import clear_caches

PAGES = [None, "pages/map.py", "pages/trends.py", "pages/league.py", "pages/cases.py", "pages/party.py",
         "pages/definitions.py", "pages/imports.py", "pages/wall.py"]


@pytest.fixture(scope="module")
def nyc_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("nyc") / "nyc.duckdb"
    result = import_file(fixture("nyc311_snapshot_2013-10-31_199rows.csv"), db=db)
    assert result.ok and result.counts["accepted"] == 199
    return db


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "dashboard.py")
def test_every_page_renders_the_imported_city(nyc_db, page, monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB", str(nyc_db))
    monkeypatch.setenv("DASHBOARD_NOW", "2013-10-31T03:00:00")
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    clear_caches()
    at = AppTest.from_file("../dashboard.py", default_timeout=120)
    if page:
        at.switch_page(page)
    at.run()
    clear_caches()
    assert not at.exception
    assert not at.error
    if page is None:
        assert [m.value for m in at.metric][:2] == ["199", "199"]
