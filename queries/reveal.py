"""The one audited path from the dashboard to raw personal data (security.md rules 10 and 11).

The published snapshot holds only masked values (data/snapshot.py); the raw ones stay in the
writers' database. A role allowed to reveal a reporter (decided by the caller: ui/auth + the
authorisation table) calls `reveal_reporter`, which
  1. checks the case is visible to the scope through the normal read path (_scoped.sql via
     case_detail), so access and filters are enforced at the same single point as every other read;
  2. writes the audit record (the caller's `audit` callable; if it raises, nothing is read: fail
     closed);
  3. opens the writers' database read-only and hardened, under a shared lock on the writers' lock
     file (a writer holding it would lock the file; readers of the private store wait a moment
     instead), and returns the raw reporter.
A confidential report (信访/举报, or the reporter's wish) is never revealed here.
No streamlit; no caching (a reveal must be audited every time).
"""
from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from data.config import PROJECT_ROOT
from queries.db import connect_readonly
from queries.runner import CursorSource, fetch
from queries.scope import Scope

REVEAL_SQL = PROJECT_ROOT / "data" / "sql" / "reveal_reporter.sql"
REVEALED_FIELDS = ("reporter_name", "reporter_phone", "reporter_id_no", "address")


class PrivateStoreBusy(RuntimeError):
    """A writer held the writers' database for longer than the wait."""


@contextmanager
def _shared_writer_lock(db: Path, wait_seconds: float) -> Iterator[None]:
    """A shared flock on `<db>.lock` (data.store.writer_lock takes it exclusively)."""
    lock_file = open(db.with_name(db.name + ".lock"), "a")
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PrivateStoreBusy("数据库正在写入，请稍后再试") from None
                time.sleep(0.1)
        yield
    finally:
        lock_file.close()


def reveal_reporter(snapshot: CursorSource, scope: Scope, case_id: int, *, db: Path,
                    audit: Callable[[], None], wait_seconds: float = 10.0) -> dict | None:
    """The raw reporter of `case_id` (REVEALED_FIELDS), or None when the case is not visible to
    `scope`, has no reporter, or is confidential. `audit` is called once, before the private store
    is read, only for a visible case; an OSError from it propagates and nothing is read."""
    case = fetch(snapshot, "case_detail", scope, case_id=int(case_id))
    if case.empty or bool(case.iloc[0].get("is_confidential", False)):
        return None
    audit()
    with _shared_writer_lock(Path(db), wait_seconds):
        con = connect_readonly(db)
        try:
            rows = con.execute(REVEAL_SQL.read_text(encoding="utf-8"), {"case_id": int(case_id)}).fetchall()
            names = [d[0] for d in con.description]
        finally:
            con.close()
    if not rows:
        return None
    row = dict(zip(names, rows[0]))
    return None if row["is_confidential"] else {k: row[k] for k in REVEALED_FIELDS}
