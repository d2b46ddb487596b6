"""数据导入 in headless Chromium: a person uploads an export, sees the summary and the rejected
rows with their reasons; after importing NYC 311 the overview shows New York. Nothing leaves localhost."""
from __future__ import annotations

from pathlib import Path

from data.ingest.sample import build_frame, write
from data.store import writer
from tests.browser.harness import ARTIFACTS, browser_page, full_screenshot, picture_path, start_server, stop_server, wait_for_app
from tests.ingest_support import NYC, fixture


def _empty_city(tmp_path: Path) -> Path:
    db = tmp_path / "city.duckdb"
    with writer(db):
        pass
    return db


def _upload(page, url: str, path: Path) -> None:
    page.goto(url + "/imports", wait_until="domcontentloaded")
    wait_for_app(page)
    page.set_input_files('input[type="file"]', str(path))
    button = page.get_by_role("button", name="开始导入")
    page.wait_for_function("(b) => !b.disabled", arg=button.element_handle(), timeout=30000)
    button.click()
    page.get_by_text("导入完成").first.wait_for(timeout=120000)
    wait_for_app(page)


def test_an_export_with_bad_rows_shows_the_summary_and_every_reason(tmp_path):
    frame = build_frame(300, seed=3)
    frame.loc[5, "上报时间"] = "05/03/2026 08:00"
    frame.loc[9, "满意度"] = "还行"
    frame.loc[12, "坐标系"] = ""
    frame.loc[20, "联系电话"] = "1.38123E+10"
    export = write(frame, tmp_path / "益阳_案件导出.csv", encoding="gb18030")
    server = start_server({"DASHBOARD_AUTH": "none", "DASHBOARD_DB": str(_empty_city(tmp_path)), "DASHBOARD_NOW": "2026-11-23T15:30:00"},
                          ARTIFACTS / "server-imports.log")
    try:
        with browser_page() as (page, requests):
            _upload(page, server.url, export)
            values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
            assert values == ["300", "296", "296", "0", "0", "4", "0"]
            assert "gb18030" in page.inner_text('[data-testid="stMain"]')   # the GBK file was read as GB18030
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.get_by_text("被拒绝的行（共 4 行）").is_visible()
            full_screenshot(page, picture_path("imports.png"))
            assert requests.foreign_hosts() == set()
    finally:
        stop_server(server)


def test_after_importing_nyc_311_the_overview_shows_new_york(tmp_path):
    nyc = fixture(NYC.name)
    server = start_server({"DASHBOARD_AUTH": "none", "DASHBOARD_DB": str(_empty_city(tmp_path)), "DASHBOARD_NOW": "2013-10-31T03:00:00"},
                          ARTIFACTS / "server-imports-nyc.log")
    try:
        with browser_page() as (page, requests):
            _upload(page, server.url, nyc)
            assert page.locator('[data-testid="stMetricValue"]').all_inner_texts() == ["199", "199", "199", "0", "0",
                                                                                      "0", "0"]
            with page.expect_popup() as popup:
                page.get_by_text("在总览中查看").first.click()
            overview = popup.value
            overview.get_by_text("纽约市社会治理总览").wait_for(timeout=60000)
            wait_for_app(overview)
            assert "range=custom&start=2013-10-30&end=2013-10-31" in overview.url
            accepted = overview.locator('[data-testid="stMetric"]', has_text="受理数")
            assert accepted.locator('[data-testid="stMetricValue"]').inner_text() == "199"
            assert overview.get_by_text("没有边界数据", exact=False).first.is_visible()
            full_screenshot(overview, picture_path("import-nyc-overview.png"))
            assert requests.foreign_hosts() == set()
    finally:
        stop_server(server)
