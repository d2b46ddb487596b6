"""地图 and 趋势 in headless Chromium at 1920×1080, as an official sees them: the map drills on a click,
every chart draws, links keep the filters, and nothing is requested from a host but localhost.
Saves the pictures map.png and trends.png (harness.picture_path)."""
from __future__ import annotations

import io
import time
from pathlib import Path

from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.harness import browser_page, full_screenshot, picture_path, wait_for_app

MAX_SCREENSHOT_BYTES = 400_000


def _save(page, path: Path, *, full: bool = False) -> None:
    """PNG when it stays under 400 KB, else the same picture as JPEG beside it."""
    if full:
        full_screenshot(page, path)
    else:
        page.screenshot(path=str(path))
    if path.stat().st_size > MAX_SCREENSHOT_BYTES:
        path.unlink()
        page.screenshot(path=str(path.with_suffix(".jpg")), type="jpeg", quality=85, full_page=full)


def _wait_for_map(page, timeout_s: float = 60) -> None:
    """Until the deck.gl canvas shows a drawn map (many colours), not just an empty canvas."""
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        shot = page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot()
        if len(Image.open(io.BytesIO(shot)).convert("RGB").getcolors(1 << 16) or ()) > 20:
            page.wait_for_timeout(800)
            return
        page.wait_for_timeout(500)
    raise AssertionError("the map was not drawn")


def _click_an_area(page) -> str:
    """Hovers sample points until the tooltip names an area, then clicks there; deck.gl under a
    loaded CPU with software WebGL sometimes drops a click, so a click is retried a few times.
    Returns the clicked area's name."""
    box = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
    for fy in (0.6, 0.5, 0.4, 0.7, 0.3):
        for fx in (0.5, 0.4, 0.6, 0.3, 0.7):
            x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
            page.mouse.move(x, y)
            page.wait_for_timeout(300)
            tip = page.locator(".deck-tooltip")
            if not (tip.count() and tip.first.is_visible() and "受理数" in tip.first.inner_text()):
                continue
            name = tip.first.inner_text().split("\n")[0]
            for _ in range(4):
                page.mouse.click(x, y, delay=30)
                try:
                    page.wait_for_function("() => location.search.includes('district=')", timeout=12000)
                    return name
                except PlaywrightTimeout:
                    page.mouse.move(x + 3, y + 3)
                    page.wait_for_timeout(300)
            raise AssertionError(f"clicking {name} did not drill into it")
    raise AssertionError("no district under the sampled points of the map")


def test_map_drills_into_the_clicked_district_and_fetches_nothing_from_other_hosts(server):
    with browser_page() as (page, requests):
        page.goto(server.url + "/map?range=last30", wait_until="domcontentloaded")
        wait_for_app(page)
        _wait_for_map(page)
        assert page.get_by_text("区域分布地图").first.is_visible()
        assert page.get_by_text("各区县受理数排名").first.is_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
        _save(page, picture_path("map.png"))

        name = _click_an_area(page)
        wait_for_app(page)
        assert page.get_by_text("各街道(乡镇)受理数排名").first.is_visible()
        # the breadcrumb names the clicked district, and the sidebar cascade now offers its streets
        assert name in page.locator('[data-testid="stMain"]').inner_text()
        assert "街道(乡镇)" in page.locator('[data-testid="stSidebar"]').inner_text()
        assert requests.foreign_hosts() == set()


def test_a_hostile_link_shows_a_notice_and_requests_nothing_outside(server):
    with browser_page() as (page, requests):
        page.goto(server.url + "/map?source=![x](http://evil.example/a.png)&measure=<b>x</b>&foo=1",
                  wait_until="domcontentloaded")
        wait_for_app(page)
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "无法识别" in sidebar and "evil" in sidebar
        assert page.locator('[data-testid="stException"]').count() == 0
        assert requests.foreign_hosts() == set()


def test_trends_draw_every_chart_and_the_menu_keeps_the_filters(server):
    with browser_page() as (page, requests):
        page.goto(server.url + "/trends?range=quarter&district=430903", wait_until="domcontentloaded")
        wait_for_app(page)
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6",
                               timeout=60000)
        page.wait_for_timeout(1500)
        for title in ("案件趋势", "高发事件前五", "高发部件前五", "上报时段分布（星期 × 小时）", "处置时长中位数"):
            assert page.get_by_text(title).first.is_visible(), title
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert len(values) == 5 and all(v.strip() and v.strip() != "—" for v in values), values
        assert page.locator('[data-testid="stException"]').count() == 0
        href = page.locator('[data-testid="stPageLink"] a', has_text="地图").first.get_attribute("href")
        assert "district=430903" in href and "range=quarter" in href
        _save(page, picture_path("trends.png"), full=True)
        assert requests.foreign_hosts() == set()
