"""排行榜 and 口径说明 in headless Chromium at 1920×1080, as a person sees them."""
from __future__ import annotations

from tests.browser.harness import browser_page, picture_path, wait_for_app

# A cold server computes every cached figure on the first visit: wait for what the page must show.
FIRST_RENDER_MS = 90_000


def test_league_shows_red_and_black_lists_and_switching_to_districts_updates_the_url(server):
    with browser_page() as (page, requests):
        page.goto(server.url + "/league?range=quarter", wait_until="domcontentloaded")
        wait_for_app(page)
        page.get_by_text("完整排名", exact=True).wait_for(timeout=FIRST_RENDER_MS)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=FIRST_RENDER_MS)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_text("红榜", exact=True).first.is_visible()
        assert page.get_by_text("排名门槛", exact=False).first.is_visible()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(picture_path("league.png")))
        page.locator("button").filter(has_text="区县").first.click()   # the 排名对象 segmented control
        page.wait_for_function("() => window.location.search.includes('by=district')", timeout=30000)
        page.get_by_text("区域综合评价", exact=False).first.wait_for(timeout=FIRST_RENDER_MS)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert requests.foreign_hosts() == set()


def test_definitions_page_lists_the_kpis_with_numbers(server):
    with browser_page() as (page, requests):
        page.goto(server.url + "/definitions?range=month", wait_until="domcontentloaded")
        wait_for_app(page)
        page.get_by_text("口径配置", exact=True).wait_for(timeout=FIRST_RENDER_MS)
        assert page.locator('[data-testid="stException"]').count() == 0
        for label in ("结案率", "按期结案率", "处置率", "按时处置率（责任单位）", "处置时长", "派遣准确率（派遣员）"):
            assert page.get_by_text(label, exact=True).first.is_visible(), label
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert len(values) == 25 and all(v.strip() for v in values)
        page.screenshot(path=str(picture_path("definitions.png")))
        assert requests.foreign_hosts() == set()
