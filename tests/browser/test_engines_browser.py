"""`DASHBOARD_ENGINE=chdb streamlit run dashboard.py` serves every page of the menu with the numbers
the DuckDB default shows: two servers on the same demo database, every figure card compared."""
from __future__ import annotations

import pytest

from tests.browser.harness import ARTIFACTS, browser_page, full_screenshot, picture_path, start_server, stop_server, wait_for_app

pytest.importorskip("chdb")
pytestmark = pytest.mark.engines


def _figures(page, url: str) -> tuple[list[str], list[str]]:
    """(card labels, card values) of the page at `url`, once it has finished drawing."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stElementContainer"]', timeout=600000)
    wait_for_app(page, timeout_ms=600000)
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return labels, values


def test_every_page_shows_the_same_figures_on_chdb_as_on_duckdb(app_env, server):
    duck = server   # the session's DuckDB server on the same database (tests/browser/conftest.py)
    ch = start_server(app_env | {"DASHBOARD_ENGINE": "chdb"}, ARTIFACTS / "server-engine-chdb.log")
    try:
        with browser_page() as (page, requests):
            labels, values = _figures(page, duck.url + "/")
            full_screenshot(page, picture_path("overview-duckdb.png"))
            links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a')
            paths = sorted({href.split("?")[0] for href in (a.get_attribute("href") for a in links.all()) if href})
            assert len(values) >= 12 and all(v.strip() for v in values), values

            ch_labels, ch_values = _figures(page, ch.url + "/")
            full_screenshot(page, picture_path("overview-chdb.png"))
            assert (ch_labels, ch_values) == (labels, values)

            compared = 0
            for path in paths:
                if path.rstrip("/").endswith(("wall", "imports")):
                    continue   # the wall refreshes on its own clock; the import page writes
                url_path = "/" + (path.split("/", 3)[-1] if path.startswith("http") else path.lstrip("/"))
                expected = _figures(page, duck.url + url_path)
                got = _figures(page, ch.url + url_path)
                assert got == expected, url_path
                compared += 1
            assert compared >= 3, paths
            assert requests.foreign_hosts() == set()
    finally:
        stop_server(ch)
