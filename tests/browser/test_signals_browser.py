"""预警研判 in headless Chromium at 1920×1080: each view renders its tables and the 推诿 network,
with nothing fetched off the machine."""
from __future__ import annotations

import pytest

from tests.browser.harness import browser_page, picture_path, wait_for_app

FIRST_RENDER_MS = 90_000
VIEWS = [
    ("alerts", "预警规则（由管理员在城市配置中修改）", "signals-alerts.png"),
    ("anomaly", "异动：今日与近 7 天明显高于往常的问题", "signals-anomaly.png"),
    ("reporters", "一人多诉", "signals-reporters.png"),
    ("recurrence", "重复发生的案件（后一件与此前结案的一件并列）", "signals-recurrence.png"),
    ("handoff", "相互推诿最多的单位", "signals-handoff.png"),
    ("expected", "各单位派遣→结案工作时（近期结案）", "signals-expected.png"),
]


@pytest.mark.parametrize("view,heading,picture", VIEWS)
def test_each_signals_view_shows_its_tables(server, view, heading, picture):
    with browser_page() as (page, requests):
        page.goto(f"{server.url}/signals?view={view}", wait_until="domcontentloaded")
        wait_for_app(page)
        page.get_by_text(heading, exact=True).first.wait_for(timeout=FIRST_RENDER_MS)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=FIRST_RENDER_MS)
        if view == "handoff":
            page.locator(".js-plotly-plot").first.wait_for(timeout=FIRST_RENDER_MS)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_text("预警研判", exact=True).first.is_visible()      # in the menu and as the title
        page.wait_for_timeout(1500)
        page.screenshot(path=str(picture_path(picture)))
        assert requests.foreign_hosts() == set()
