"""通报 in headless Chromium at 1920×1080: pick last month, generate, and see the download buttons,
the preview with its figures and charts, and the history line saying who generated it."""
from __future__ import annotations

from tests.browser.harness import browser_page, picture_path, wait_for_app

GENERATE_MS = 180_000   # Word + PDF (a second Chromium prints it) + Excel on a loaded 2-core machine


def test_a_new_user_generates_last_months_bulletin_and_gets_word_pdf_and_excel(server):
    with browser_page() as (page, requests):
        page.goto(server.url + "/bulletin?period=month", wait_until="domcontentloaded")
        wait_for_app(page)
        page.get_by_text("生成通报", exact=True).wait_for(timeout=90_000)
        # the selected option's text sits in the select's markup (an input value), not in inner_text
        chosen = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.evaluate("e => e.outerHTML")
        assert "2026年10月（2026年10月1日至2026年10月31日）" in chosen
        page.get_by_text("生成通报", exact=True).click()
        page.get_by_text("下载 Word", exact=True).first.wait_for(timeout=GENERATE_MS)
        wait_for_app(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        for label in ("下载 PDF", "下载 Excel 附表"):
            assert page.get_by_text(label, exact=True).first.is_visible()
        assert page.get_by_text("关于2026年10月全市社会治理案件办理情况的通报", exact=False).first.is_visible()
        assert page.get_by_text("生成记录", exact=True).first.is_visible()
        page.locator('[data-testid="stImage"]').first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(picture_path("bulletin.png")))
        with page.expect_download(timeout=30_000) as download:
            page.get_by_text("下载 Word", exact=True).first.click()
        assert download.value.suggested_filename.endswith(".docx")
        assert requests.foreign_hosts() == set()
