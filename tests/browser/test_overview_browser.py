"""The overview in headless Chromium at 1920×1080, as a person sees it."""
from __future__ import annotations

from tests.browser.harness import ARTIFACTS, browser_page, full_screenshot, picture_path, start_server, stop_server, wait_for_app

KPI_LABELS = ["受理数", "立案数", "结案数（应结案中）", "处置率", "按期结案率", "超期未处置"]


def test_first_request_after_server_start_shows_the_overview_with_chinese_menu_and_no_foreign_request(app_env):
    server = start_server(app_env, ARTIFACTS / "server-first-request.log")
    try:
        with browser_page() as (page, requests):
            page.goto(server.url + "/", wait_until="domcontentloaded")
            # The first run after a start imports everything and opens the database: wait for the
            # cards themselves, not just for the app to look idle.
            page.wait_for_selector('[data-testid="stMetricValue"]', timeout=120000)
            wait_for_app(page)
            body = page.inner_text("body")
            assert "Page not found" not in body and "找不到" not in body
            for label in KPI_LABELS:
                shown = page.locator('[data-testid="stMetricLabel"]').filter(has_text=label)
                assert any(el.is_visible() for el in shown.all()), label
            # Streamlit's own file-name navigation is off; our menu shows the Chinese titles.
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0
            links = page.locator('[data-testid="stPageLink"]').all_inner_texts()
            assert any("总览" in t for t in links), links
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator("canvas").count() >= 1, "the district map (deck.gl canvas) is drawn"
            full_screenshot(page, picture_path("overview.png"))
            assert requests.foreign_hosts() == set()
    finally:
        stop_server(server)


def test_overview_kpi_values_are_numbers_not_placeholders(server):
    with browser_page() as (page, requests):
        page.goto(server.url + "/?range=month", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=120000)
        wait_for_app(page)
        # Two rows of six; the other 13 KPIs of the registry are counted when 更多指标 is opened.
        values = page.locator('[data-testid="stMetricValue"]').all_text_contents()
        assert len(values) == 12
        page.get_by_text("更多指标", exact=False).first.click()
        page.locator('[data-testid="stMetricValue"]').nth(24).wait_for(timeout=60000)
        wait_for_app(page)
        values = page.locator('[data-testid="stMetricValue"]').all_text_contents()
        assert len(values) == 25
        assert all(v.strip() and v.strip() != "—" for v in values), values
        assert requests.foreign_hosts() == set()
