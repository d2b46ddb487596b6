"""Page test: 访问审计 lists who looked at what (user, role, IP, scope, page, case, time) for
administrators, filters by user, exports, and is refused to everyone else."""
from __future__ import annotations

from datetime import datetime

import pytest

from data.audit import AuditLog
from tests.known_city import serve
from tests.pagetools import page_text, run_page


@pytest.fixture
def app_env(known_city_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    log = AuditLog(tmp_path / "audit", clock=lambda: datetime(2026, 11, 20, 9, 30, 15))
    log.record(actor="zhangsan@yiyang.gov.cn", page="pages/cases.py", action="case_detail", case_id=101,
               scope={"districts": ["430902"]}, role="district", client_ip="10.1.2.3", access_label="区县：资阳区")
    log.record(actor="lisi@yiyang.gov.cn", page="pages/cases.py", action="download", case_id=None,
               scope={}, role="unit", client_ip="10.1.2.4", access_label="责任单位：市城管局",
               detail="案件列表_20261120.xlsx（Excel，12 行）")
    log.record(actor="=cmd|'/C calc'!A0", page="pages/cases.py", action="case_detail", case_id=102, scope={},
               role="district", client_ip="10.1.2.5", access_label="区县：资阳区")
    yield from serve(known_city_db, tmp_path, monkeypatch)


def test_administrators_see_every_view_and_download_with_who_where_and_what(app_env):
    at = run_page("pages/audit.py")
    table = at.dataframe[0].value
    assert len(table) == 3
    row = table[table["用户"] == "zhangsan@yiyang.gov.cn"].iloc[0]
    assert (row["角色"], row["客户端IP"], row["权限范围"], row["页面"], row["操作"], row["案件ID"]) == (
        "区县", "10.1.2.3", "区县：资阳区", "案件", "查看案件详情", 101)
    assert "区县 430902" in row["当时的筛选条件"]
    values = {m.label: m.value for m in at.metric}
    assert (values["记录数"], values["用户数"], values["查看案件详情"], values["下载"]) == ("3", "3", "2", "1")
    at.multiselect(key="au_users").set_value(["lisi@yiyang.gov.cn"]).run()
    assert at.dataframe[0].value["说明"].tolist() == ["案件列表_20261120.xlsx（Excel，12 行）"]
    assert [b.label for b in at.get("download_button")] == ["下载 Excel", "下载 CSV"]


def test_a_case_id_that_is_not_ascii_digits_is_refused_with_a_message(app_env):
    at = run_page("pages/audit.py")
    at.text_input(key="au_case").set_value("１０１").run()
    assert any("只能是数字" in w.value for w in at.warning)
    at.text_input(key="au_case").set_value("101").run()
    assert at.dataframe[0].value["案件ID"].tolist() == [101]


def test_anyone_but_an_administrator_is_refused(app_env, monkeypatch):
    from queries.scope import Access

    monkeypatch.setattr("ui.app.current_access", lambda *a: Access.for_districts(("430902",), "区县：资阳区"))
    at = run_page("pages/audit.py")
    assert [w.value for w in at.warning] == ["访问审计仅对管理员开放。"]
    assert not at.dataframe and "zhangsan" not in page_text(at)


def test_the_audit_export_writes_a_crafted_user_id_as_text_never_as_a_formula(app_env):
    import io

    import openpyxl

    from pages.audit import COLUMNS, audit_frame
    from data.audit import audit_dir
    from datetime import date
    from ui.export import to_csv, to_xlsx

    frame = audit_frame(AuditLog(audit_dir()).read_range(date(2026, 11, 20), date(2026, 11, 20)))
    table = frame[list(COLUMNS)].rename(columns=COLUMNS)
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table, "访问审计", {"时间": "datetime"}))).active
    users = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "=cmd|'/C calc'!A0" in users and all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    csv_text = to_csv(table).decode("utf-8-sig")
    assert ",=cmd" not in csv_text and "'=cmd" in csv_text
