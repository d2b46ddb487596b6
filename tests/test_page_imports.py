"""Page test: importing through the 数据导入 page gives the exact summary, the ledger and the
rejected rows with their reasons; the imported city is what the overview then shows."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data.ingest.sample import build_frame
from data.store import writer
from tests.ingest_support import NYC, csv_bytes, fixture, query
from tests.pagetools import clear_caches, metric_values, unescaped


@pytest.fixture
def empty_city(tmp_path, monkeypatch):
    """A published database with the schema and nothing else (a city before its first import)."""
    db = tmp_path / "city.duckdb"
    with writer(db):
        pass
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_NOW", "2013-10-31T03:00:00")
    clear_caches()
    yield db
    clear_caches()


def imports_page() -> AppTest:
    """The page as the app serves it: dashboard.py is the entry point (menu links resolve from it)."""
    at = AppTest.from_file("../dashboard.py", default_timeout=120)
    at.switch_page("pages/imports.py")
    return at.run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="upload").set_value((name, data, "text/csv"))
    at.run()
    at.button(key="start").click()
    return at.run()


def test_importing_the_nyc_fixture_through_the_page_shows_the_exact_summary(empty_city):
    data = fixture(NYC.name).read_bytes()
    at = imports_page()
    assert not at.exception
    assert [e.value for e in at.info] == ["还没有导入记录"]
    at = upload(at, NYC.name, data)
    assert not at.exception
    assert any("导入完成（第 1 批 · csv" in s.value for s in at.success)
    values = metric_values(at)
    assert {k: values[k] for k in ["读取", "接受", "新增", "更新", "未变", "拒绝", "文件内重复"]} == {
        "读取": "199", "接受": "199", "新增": "199", "更新": "0", "未变": "0", "拒绝": "0", "文件内重复": "0"}
    assert any("读取 199 = 接受 199 + 拒绝 0 + 文件内重复 0" in c.value for c in at.caption)
    ledger = at.dataframe[0].value
    assert ledger[["批次", "文件", "状态", "读取", "新增", "需关注"]].values.tolist() == [[1, NYC.name, "完成", 199, 199, 7]]
    # The flags of the batch are listed with their reasons.
    flags = at.dataframe[1].value
    assert len(flags) == 7 and flags["提示代码"].value_counts().to_dict() == {
        "area_partial": 3, "area_unknown": 2, "closed_time_without_status": 2}
    assert query(empty_city, "SELECT count(*) AS n FROM cases").n[0] == 199

    # The same file again: nothing changes, and the page and the ledger say so.
    at = upload(at, NYC.name, data)
    values = metric_values(at)
    assert (values["新增"], values["未变"]) == ("0", "199")
    assert any("相同内容（sha256 相同）已于第 1 批导入过" in c.value for c in at.caption)
    assert at.dataframe[0].value["批次"].tolist() == [2, 1]


def test_rejected_rows_are_listed_masked_and_downloadable(empty_city):
    frame = build_frame(4)
    frame.loc[1, "上报时间"] = "05/03/2026 08:00"
    frame.loc[2, "满意度"] = "还行"
    at = imports_page()
    at = upload(at, "export.csv", csv_bytes(frame))
    assert not at.exception
    assert (metric_values(at)["接受"], metric_values(at)["拒绝"]) == ("2", "2")
    rejects = at.dataframe[1].value
    assert rejects[["行号", "原因代码"]].values.tolist() == [[3, "date_ambiguous"], [4, "bad_satisfaction"]]
    assert "日、月顺序有歧义" in rejects["原因"][0]
    phone = frame.loc[1, "联系电话"]
    assert phone not in rejects["原始记录（已脱敏）"][0] and phone[:3] + "****" + phone[-4:] in rejects["原始记录（已脱敏）"][0]
    assert frame.loc[1, "上报人"] not in rejects["原始记录（已脱敏）"][0]
    at.toggle(key=f"dl_rejects_{1}").set_value(True).run()
    assert [b.label for b in at.get("download_button")] == ["下载 Excel", "下载 CSV"]


def test_a_binary_file_is_refused_on_the_server_whatever_its_name(empty_city):
    at = imports_page()
    at = upload(at, "cases.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert not at.exception
    assert any("cases.csv" in unescaped(e.value) and "PNG 图片" in unescaped(e.value) for e in at.error)
    assert at.dataframe[0].value["状态"].tolist() == ["失败"]


def test_while_another_writer_holds_the_database_the_page_says_so_and_imports_nothing(empty_city):
    from data.store import writer_lock
    at = imports_page()
    with writer_lock(empty_city):
        at = upload(at, NYC.name, fixture(NYC.name).read_bytes())
    assert not at.exception
    assert any("另一个导入或数据生成任务正在写入数据库" in e.value for e in at.error)
    assert query(empty_city, "SELECT count(*) AS n FROM import_ledger").n[0] == 0


def test_the_overview_then_shows_the_imported_city(empty_city):
    at = imports_page()
    upload(at, NYC.name, fixture(NYC.name).read_bytes())
    clear_caches()
    overview = AppTest.from_file("../dashboard.py", default_timeout=120).run()
    assert not overview.exception
    assert overview.title[0].value == "纽约市社会治理总览"
    assert metric_values(overview)["受理数"] == "199"
    assert any("没有边界数据" in i.value for i in overview.info)
    assert [s.label for s in overview.sidebar.selectbox][1] == "行政区(Borough)"


def test_only_an_administrator_may_import(empty_city, monkeypatch):
    from queries.scope import Access
    monkeypatch.setattr("ui.app.current_access", lambda *a: Access.for_districts(("4",), "Queens 用户"))
    at = imports_page()
    assert not at.exception
    assert [w.value for w in at.warning] == ["数据导入仅对管理员开放。"]
    assert not at.get("file_uploader")


def test_after_an_upload_the_rejected_rows_viewer_opens_the_new_batch(empty_city):
    first = build_frame(4, seed=1)
    first.loc[1, "满意度"] = "还行"
    second = build_frame(4, seed=2, prefix="SK")
    second.loc[2, "上报时间"] = "05/03/2026 08:00"
    at = imports_page()
    at = upload(at, "first.csv", csv_bytes(first))
    assert at.selectbox(key="reject_batch").value == 1
    at = upload(at, "second.csv", csv_bytes(second))
    assert not at.exception
    assert at.selectbox(key="reject_batch").value == 2          # not 第1批, which comes first in the list
    assert at.dataframe[1].value["原因代码"].tolist() == ["date_ambiguous"]
