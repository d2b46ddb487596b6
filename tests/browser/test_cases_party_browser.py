"""案件 and 党建·志愿 in headless Chromium at 1920×1080, as an official sees them: a KPI drill-down
link, a click on a row opening the case with its timeline, no raw phone number on screen, and no
request leaving localhost. Saves the screenshots for docs/."""
from __future__ import annotations

import re
from pathlib import Path

from tests.browser.harness import ARTIFACTS, browser_page, full_screenshot, picture_path, wait_for_app

PHONE = re.compile(r"1[3-9]\d{9}")


def _small_jpeg(source: Path, target: Path, width: int = 1400) -> None:
    """A long page as a JPEG small enough for docs/ (< 400 KB)."""
    from PIL import Image  # Pillow comes with streamlit

    with Image.open(source) as im:
        im = im.convert("RGB")
        im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        im.save(target, "JPEG", quality=80, optimize=True)


def settle(page) -> None:
    wait_for_app(page, timeout_ms=90000)


def test_case_list_from_a_drill_down_link_then_a_click_opens_the_timeline(server):
    with browser_page() as (page, requests):
        page.goto(server.url + "/cases?set=is_overdue_open&range=month", wait_until="domcontentloaded")
        settle(page)
        body = page.inner_text("body")
        assert "超期未处置的案件：" in body and "移除条件" in body
        assert re.search(r"共 [\d,]+ 件", body)
        assert page.locator('[data-testid="stDataFrame"]').count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(picture_path("cases.png")))

        # tick the first data row's selection box: the row opens the detail view
        grid = page.locator('[data-testid="stDataFrame"]').first
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
        page.wait_for_function("() => /[?&]case=\\d+/.test(window.location.search)", timeout=30000)
        settle(page)
        body = page.inner_text("body")
        assert "办理时间线" in body and "返回案件列表" in body and "超期未结" in body
        assert PHONE.search(body) is None
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / "case-detail-open-1920x1080.png"))
        assert requests.foreign_hosts() == set()


def test_a_reported_case_with_a_reporter_shows_only_masked_details(server, demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        case_id, = con.execute(
            "SELECT c.case_id FROM cases c JOIN case_private p USING (case_id) "
            "WHERE c.source = 'hotline' AND NOT p.is_confidential AND c.rework_count > 0 AND c.closed_at IS NOT NULL "
            "ORDER BY c.reported_at DESC LIMIT 1").fetchone()
    finally:
        con.close()
    with browser_page() as (page, requests):
        page.goto(server.url + f"/cases?case={case_id}&range=year", wait_until="domcontentloaded")
        settle(page)
        body = page.inner_text("body")
        assert re.search(r"1\d\d\*{4}\d{4}", body), "masked phone shown"
        assert PHONE.search(body) is None
        assert "返工" in body
        full_screenshot(page, picture_path("case-detail.png"))
        assert requests.foreign_hosts() == set()


def test_party_page_draws_its_cards_charts_and_tables(server):
    with browser_page() as (page, requests):
        page.goto(server.url + "/party", wait_until="domcontentloaded")
        settle(page)
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert len(values) >= 12 and all(v.strip() for v in values), values
        body = page.inner_text("body")
        for title in ("结对共建评分卡", "报到率与签到趋势", "第一书记走访", "志愿服务", "吹哨报到", "微心愿", "督办整改"):
            assert title in body, title
        assert page.locator(".js-plotly-plot").count() >= 3
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(picture_path("party.png")))
        height = page.evaluate('() => document.querySelector(\'[data-testid="stMain"]\').scrollHeight')
        page.set_viewport_size({"width": 1920, "height": int(height)})
        page.wait_for_timeout(1500)
        full = ARTIFACTS / "party-full.png"
        page.screenshot(path=str(full), full_page=True)
        _small_jpeg(full, picture_path("party-full.jpg"))
        assert requests.foreign_hosts() == set()
