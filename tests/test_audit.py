"""The audit trail of case detail views: append-only daily files whose records fit the audit_log table."""
from __future__ import annotations

import json
import threading
from datetime import date, datetime

import pytest

from data.audit import AuditLog, audit_dir
from tests.builders import new_db


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def test_records_append_to_one_file_per_day(tmp_path):
    clock = Clock(datetime(2026, 11, 23, 23, 59, 58, 123))
    log = AuditLog(tmp_path, clock)
    log.record(actor="资阳区", page="pages/cases.py", action="case_detail", case_id=7,
               scope={"districts": ["430902"], "start_date": date(2026, 11, 1)}, session_id="s1")
    clock.moment = datetime(2026, 11, 24, 0, 0, 1)
    log.record(actor="资阳区", page="pages/cases.py", action="case_detail", case_id=8, scope={})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit-2026-11-23.jsonl", "audit-2026-11-24.jsonl"]
    first = log.read(date(2026, 11, 23))
    assert len(first) == 1
    assert (first[0].logged_at, first[0].actor, first[0].case_id, first[0].session_id) == \
        ("2026-11-23T23:59:58", "资阳区", 7, "s1")
    assert json.loads(first[0].scope_json) == {"districts": ["430902"], "start_date": "2026-11-01"}
    assert [r.case_id for r in log.read(date(2026, 11, 24))] == [8]


def test_earlier_records_are_never_rewritten(tmp_path):
    log = AuditLog(tmp_path, Clock(datetime(2026, 11, 23, 9)))
    log.record(actor="a", page="p", action="case_detail", case_id=1, scope={})
    before = (tmp_path / "audit-2026-11-23.jsonl").read_bytes()
    log.record(actor="b", page="p", action="case_detail", case_id=2, scope={})
    after = (tmp_path / "audit-2026-11-23.jsonl").read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 2


def test_concurrent_writers_leave_whole_lines(tmp_path):
    log = AuditLog(tmp_path, Clock(datetime(2026, 11, 23, 9)))
    scope = {"note": "长" * 500}

    def write(k: int) -> None:
        for i in range(50):
            log.record(actor=f"t{k}", page="p", action="case_detail", case_id=k * 1000 + i, scope=scope)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = log.read(date(2026, 11, 23))
    assert len(records) == 400 and len({r.case_id for r in records}) == 400


def test_a_days_records_load_into_the_schema_table_once(tmp_path):
    log = AuditLog(tmp_path, Clock(datetime(2026, 11, 23, 9, 30)))
    for case_id in (1, 2):
        log.record(actor="演示模式", page="pages/cases.py", action="case_detail", case_id=case_id, scope={"x": 1})
    con = new_db()
    assert log.load_into(con, date(2026, 11, 23)) == 2
    assert log.load_into(con, date(2026, 11, 23)) == 2          # reloading replaces, never duplicates
    rows = con.execute("SELECT logged_at, actor, case_id, scope_json FROM audit_log ORDER BY case_id").fetchall()
    assert rows == [(datetime(2026, 11, 23, 9, 30), "演示模式", 1, '{"x": 1}'),
                    (datetime(2026, 11, 23, 9, 30), "演示模式", 2, '{"x": 1}')]


def test_an_unwritable_directory_raises_so_the_page_can_fail_closed(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(OSError):
        AuditLog(blocker / "audit").record(actor="a", page="p", action="case_detail", case_id=1, scope={})


def test_the_audit_folder_follows_the_database_unless_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("DASHBOARD_AUDIT_DIR", raising=False)
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "x" / "city.duckdb"))
    assert audit_dir() == tmp_path / "x" / "audit"
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "elsewhere"))
    assert audit_dir() == tmp_path / "elsewhere"
