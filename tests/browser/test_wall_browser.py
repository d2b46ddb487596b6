"""The wall screen in headless Chromium at 1920×1080 and at 3840×2160 (device scale 2): one
viewport, no scrollbar, every region on screen, Chinese text rendered, refreshing in place, and
not a single request to a host other than localhost.

The screenshots are README pictures (harness.picture_path; tests/browser/conftest.py says how to
retake them).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.harness import ARTIFACTS, ROOT, browser_page, picture_path, start_server, stop_server

REGIONS = ["wall-header", "wall-panel-kpis", "wall-panel-map", "wall-panel-people", "wall-panel-side",
           "wall-panel-ticker", "wall-panel-trend"]

# True when the page's CJK font draws real glyphs: with no CJK font every character is the same
# empty box, so two different words would draw identical pixels.
CJK_RENDERED_JS = """() => {
  const font = getComputedStyle(document.querySelector('.st-key-wall-title p')).fontFamily;
  function pixels(text) {
    const c = document.createElement('canvas'); c.width = 200; c.height = 50;
    const g = c.getContext('2d'); g.font = '32px ' + font; g.fillText(text, 0, 36);
    return Array.from(g.getImageData(0, 0, 200, 50).data).join(',');
  }
  return document.fonts.check('32px "Noto Sans CJK SC"') && pixels('指挥中心') !== pixels('益阳市区');
}"""

LAYOUT_JS = """(regions) => {
  const doc = document.documentElement, main = document.querySelector('[data-testid="stMain"]');
  const boxes = {};
  for (const key of regions) {
    const el = document.querySelector('.st-key-' + key);
    if (!el) { boxes[key] = null; continue; }
    const r = el.getBoundingClientRect();
    boxes[key] = {top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height};
  }
  return {scrollHeight: doc.scrollHeight, clientHeight: doc.clientHeight, scrollWidth: doc.scrollWidth,
          clientWidth: doc.clientWidth, mainScroll: main.scrollHeight, mainClient: main.clientHeight,
          innerWidth: innerWidth, innerHeight: innerHeight, boxes: boxes,
          sidebar: !!document.querySelector('[data-testid="stSidebar"]') &&
                   document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect().width > 0,
          header: !!document.querySelector('[data-testid="stHeader"]') &&
                  document.querySelector('[data-testid="stHeader"]').getBoundingClientRect().height > 0};
}"""


def heartbeat_run(page) -> int:
    text = page.locator(".st-key-wall-heartbeat").text_content() or ""
    return int(text.split("run=")[1].split(";")[0]) if "run=" in text else 0


@pytest.fixture(scope="module")
def wall_server(app_env, tmp_path_factory):
    """A server whose wall refreshes every 2 s and turns its side panel at every refresh."""
    city = tmp_path_factory.mktemp("city") / "city.toml"
    text = (ROOT / "data/reference/city.toml").read_text(encoding="utf-8")
    text = text.replace("refresh_seconds = 5 ", "refresh_seconds = 2 ").replace("carousel_seconds = 20", "carousel_seconds = 2")
    assert "refresh_seconds = 2 " in text
    city.write_text(text, encoding="utf-8")
    env = app_env | {"DASHBOARD_CITY": str(city)}
    srv = start_server(env, ARTIFACTS / "server-wall.log")
    yield srv
    stop_server(srv)


def map_drawn_share(page) -> float:
    """Share of the map's pixels that are district fill (blue): 0 until deck.gl has drawn."""
    import io

    from PIL import Image

    png = page.locator('[data-testid="stDeckGlJsonChart"]').screenshot()
    image = Image.open(io.BytesIO(png)).convert("RGB").resize((160, 80))
    pixels = list(image.getdata())
    return sum(1 for r, g, b in pixels if b > 120 and b > r + 40) / len(pixels)


def open_wall(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".st-key-wall-heartbeat", state="attached", timeout=90_000)
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=60_000)
    page.wait_for_selector('.st-key-wall-panel-trend .main-svg', timeout=60_000)
    for _ in range(60):  # deck.gl draws its first frame late on software WebGL
        if map_drawn_share(page) > 0.05:
            break
        page.wait_for_timeout(500)
    assert map_drawn_share(page) > 0.05, "the city map is drawn"


def shot(page, name: str, *, jpeg: bool = False) -> Path:
    path = picture_path(name)
    if jpeg:  # a PNG of the dark gradients is 0.8 MB at 1080p; JPEG keeps the docs light
        page.screenshot(path=str(path), type="jpeg", quality=88)
    else:
        page.screenshot(path=str(path))
    return path


def assert_fills_one_viewport(page) -> None:
    """No scrollbar anywhere, no sidebar or header, and every region whole inside the viewport."""
    layout = page.evaluate(LAYOUT_JS, REGIONS)
    assert layout["scrollHeight"] <= layout["clientHeight"], layout
    assert layout["scrollWidth"] <= layout["clientWidth"], layout
    assert layout["mainScroll"] <= layout["mainClient"] + 1, layout
    assert not layout["sidebar"] and not layout["header"], "no sidebar, menu or toolbar on the wall"
    for key, box in layout["boxes"].items():
        assert box is not None, f"region {key} missing"
        assert box["height"] > 40 and box["width"] > 200, (key, box)
        assert box["top"] >= 0 and box["left"] >= 0, (key, box)
        assert box["bottom"] <= layout["innerHeight"] + 0.5 and box["right"] <= layout["innerWidth"] + 0.5, (key, box)


def side_panels(page) -> set[str]:
    """The side panel on screen: the one the carousel marker names, and the only one visible."""
    shown = page.evaluate("""() => {
        const marker = document.querySelector('[class*="st-key-wall-side-show-"]');
        const name = marker && (marker.className.match(/st-key-wall-side-show-(\\w+)/) || [])[1];
        const visible = ['units', 'categories', 'districts'].filter(n => {
            const el = document.querySelector('.st-key-wall-side-' + n);
            return el && el.getBoundingClientRect().height > 0; });
        return {name, visible}; }""")
    assert shown["visible"] == [shown["name"]], shown
    return {shown["name"]}


def assert_shows_the_wall(page) -> None:
    assert_fills_one_viewport(page)
    assert page.evaluate(CJK_RENDERED_JS), "Chinese text must render with a CJK font"
    body = page.inner_text("body")
    for text in ("社会治理指挥中心", "今日受理", "超期未处置", "本月处置率", "本月按期结案率", "今日案件分布",
                 "党建引领", "最新案件", "近24小时", "在岗志愿者", "数据更新于"):
        assert text in body, text
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in body


def test_wall_at_1080p_fills_the_screen_refreshes_in_place_and_fetches_nothing_from_outside(wall_server):
    with browser_page(width=1920, height=1080) as (page, requests):
        open_wall(page, wall_server.url + "/wall")
        assert_shows_the_wall(page)
        assert shot(page, "wall-1080p.jpg", jpeg=True).stat().st_size < 400_000
        # Mark the drawn map and chart; after refreshes they must be the same nodes (updated, not remounted).
        page.evaluate("""() => {
            document.querySelector('[data-testid="stDeckGlJsonChart"] canvas').dataset.wallMark = '1';
            document.querySelector('.st-key-wall-panel-trend .js-plotly-plot').dataset.wallMark = '1'; }""")
        clock_before = page.locator("#wall-clock-time").inner_text()
        seen = side_panels(page)
        run = heartbeat_run(page)
        # The carousel turns by the wall clock (every 2 s here), each refresh shows the panel of its
        # moment: three refreshes show all three panels when each takes 2 s, but a slower one (the
        # 预警 counts are re-evaluated every ALERT_MINUTES, seconds on a full-size demo) skips a
        # panel as it would on the hall's screen. So watch refreshes until every panel has been on
        # screen, at least three and at most ten (20 s of a carousel that turns every 2 s).
        for refreshes in range(1, 11):
            page.wait_for_function(f"""() => {{ const t = document.querySelector('.st-key-wall-heartbeat').textContent;
                                       return parseInt(t.split('run=')[1]) > {run}; }}""", timeout=30_000)
            run = heartbeat_run(page)
            seen |= side_panels(page)
            if refreshes >= 3 and {"units", "categories", "districts"} <= seen:
                break
        assert page.locator("#wall-clock-time").inner_text() != clock_before, "the clock ticks in the browser"
        assert page.locator('[data-testid="stDeckGlJsonChart"] canvas[data-wall-mark="1"]').count() == 1
        assert page.locator('.st-key-wall-panel-trend .js-plotly-plot[data-wall-mark="1"]').count() == 1
        assert {"units", "categories", "districts"} <= seen, seen
        assert_fills_one_viewport(page)
        assert requests.foreign_hosts() == set()
        assert any("/_stcore/stream" in u for u in requests.urls), "the page talks to its own server"


def test_wall_at_4k_device_scale_2_embedded_looks_the_same_only_sharper(wall_server):
    with browser_page(width=1920, height=1080, scale=2) as (page, requests):
        open_wall(page, wall_server.url + "/wall?embed=true")
        assert_shows_the_wall(page)
        path = shot(page, "wall-4k.jpg", jpeg=True)
        from PIL import Image

        assert Image.open(path).size == (3840, 2160)
        assert path.stat().st_size < 1_000_000
        assert requests.foreign_hosts() == set()


def test_the_stale_alarm_fits_the_header_at_1920_px_embedded(app_env):
    """Hours without a write: the red alarm must stay inside the screen, on the header's right."""
    from datetime import datetime, timedelta

    later = (datetime.now() + timedelta(hours=6)).replace(microsecond=0).isoformat()
    srv = start_server(app_env | {"DASHBOARD_NOW": later}, ARTIFACTS / "server-wall-stale.log")
    try:
        with browser_page(width=1920, height=1080) as (page, _requests):
            page.goto(srv.url + "/wall?embed=true", wait_until="domcontentloaded")
            page.wait_for_selector(".st-key-wall-fresh-stale p", timeout=90_000)
            box = page.evaluate("""() => {
                const p = document.querySelector('.st-key-wall-fresh-stale p'), r = p.getBoundingClientRect();
                return {right: r.right, left: r.left, scroll: p.scrollWidth, client: p.clientWidth,
                        width: innerWidth, text: p.innerText}; }""")
            assert "数据源可能已中断" in box["text"]
            assert box["right"] <= box["width"] and box["left"] >= box["width"] / 2, box
            assert box["scroll"] <= box["client"] + 1, box       # nothing cut off inside its box
            page.screenshot(path=str(ARTIFACTS / "wall-stale.png"))
    finally:
        stop_server(srv)
