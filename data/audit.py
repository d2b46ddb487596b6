"""Audit trail (security.md rule 10): every case detail view and every download, with the real
user, role, client IP, scope, page, case and time.

Why append-only JSON-lines files and not the database: the dashboard's DuckDB connection is
read-only by design (hardened, locked configuration) and the file it reads is a published snapshot
that writers replace; a read-write connection from the dashboard would take DuckDB's single-writer
lock and block the importer and the live feed. A line appended with one os.write() on a file
opened O_APPEND lands whole, after every earlier line, from any thread or process, so no lock and
no server are needed, and nothing written can be rewritten by the dashboard (it never opens the
files for anything but appending). Files rotate by date (audit-YYYY-MM-DD.jsonl) so retention
and archiving work per day. The columns match the `audit_log` table of data/schema.sql, and
`load_into` copies a day's records there for reporting.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import duckdb

from data.config import db_path

FILE_PREFIX = "audit-"
AUDIT_COLUMNS_ADDED = ("role", "client_ip", "access_label", "detail")   # round 2: who exactly, from where


def audit_dir() -> Path:
    """$DASHBOARD_AUDIT_DIR, else an `audit` folder beside the database (data/audit by default)."""
    configured = os.environ.get("DASHBOARD_AUDIT_DIR")
    return Path(configured) if configured else db_path().parent / "audit"


@dataclass(frozen=True)
class AuditRecord:
    logged_at: str          # ISO timestamp, seconds
    actor: str              # the signed-in user id (demo / desk in those modes)
    session_id: str | None
    page: str
    action: str             # case_detail | download
    case_id: int | None
    scope_json: str         # JSON of the window, access and filters in force
    role: str | None = None          # authz role key (city, district, ..., demo, desk)
    client_ip: str | None = None
    access_label: str | None = None  # what the identity may see, in words
    detail: str | None = None        # e.g. the downloaded file's name, format and row count


class AuditLog:
    """Appends records to <dir>/audit-YYYY-MM-DD.jsonl; `clock` is injectable for tests."""

    def __init__(self, directory: Path | str, clock: Callable[[], datetime] = datetime.now):
        self.directory = Path(directory)
        self.clock = clock

    def path_for(self, day: date) -> Path:
        return self.directory / f"{FILE_PREFIX}{day.isoformat()}.jsonl"

    def record(self, *, actor: str, page: str, action: str, case_id: int | None, scope: dict,
               session_id: str | None = None, role: str | None = None, client_ip: str | None = None,
               access_label: str | None = None, detail: str | None = None) -> AuditRecord:
        """Appends one record; raises OSError when it cannot be written (callers fail closed)."""
        moment = self.clock().replace(microsecond=0)
        rec = AuditRecord(moment.isoformat(), actor, session_id, page, action,
                          None if case_id is None else int(case_id),
                          json.dumps(scope, ensure_ascii=False, sort_keys=True, default=str),
                          role, client_ip, access_label, detail)
        line = (json.dumps(asdict(rec), ensure_ascii=False) + "\n").encode("utf-8")
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path_for(moment.date()), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(f"audit record only partly written ({written}/{len(line)} bytes)")
        finally:
            os.close(fd)
        return rec

    def read(self, day: date) -> list[AuditRecord]:
        path = self.path_for(day)
        if not path.exists():
            return []
        known = set(AuditRecord.__dataclass_fields__)
        with open(path, encoding="utf-8") as f:
            return [AuditRecord(**{k: v for k, v in json.loads(line).items() if k in known}) for line in f if line.strip()]

    def read_range(self, first: date, last: date) -> list[AuditRecord]:
        """Records of the days first..last (inclusive), oldest first."""
        from datetime import timedelta

        out, day = [], first
        while day <= last:
            out.extend(self.read(day))
            day += timedelta(days=1)
        return out

    def load_into(self, con: duckdb.DuckDBPyConnection, day: date) -> int:
        """Copies one day's records into the audit_log table (a writer's connection), replacing that
        day's rows so loading twice changes nothing; returns the count."""
        records = self.read(day)
        start = datetime.combine(day, datetime.min.time())
        for column in AUDIT_COLUMNS_ADDED:   # databases created before these columns existed
            con.execute(f"ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS {column} VARCHAR")  # noqa: S608 - constants
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM audit_log WHERE logged_at >= $start AND logged_at < $start + INTERVAL 1 DAY",
                        {"start": start})
            if records:
                con.executemany(
                    "INSERT INTO audit_log (logged_at, actor, session_id, page, action, case_id, scope_json, "
                    "role, client_ip, access_label, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(r.logged_at, r.actor, r.session_id, r.page, r.action, r.case_id, r.scope_json,
                      r.role, r.client_ip, r.access_label, r.detail) for r in records],
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return len(records)
