"""Imports one uploaded file in a separate process with a memory and a time cap, so a file that
gets past every cheap check (data/ingest/limits.py) and still blows up in a parser can only end
that process, never the dashboard's server.

    result = import_in_worker(data, db=..., file_name=..., progress=status.write)

The child is `python -m data.ingest.worker`: it sets RLIMIT_AS to [import] worker_memory_mb before
it imports anything heavy, runs data.ingest.run.import_file on the landed file and writes progress
and the result as JSON lines on stdout. The parent kills it after worker_seconds. A child that dies
(killed, out of memory in native code) leaves its import uncommitted (one transaction); the parent
then marks the ledger row 'failed' with the reason, so the page shows why.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from data.config import PROJECT_ROOT

MB = 1024 * 1024


def _result_to_json(result) -> dict:
    out = {k: getattr(result, k) for k in ("file_name", "sha256", "status", "batch_id", "format", "mapping",
                                          "encoding", "counts", "notes", "reason_code", "message_zh",
                                          "same_as_batch")}
    out["landing_path"] = str(result.landing_path) if result.landing_path else None
    out["span"] = [t.isoformat() for t in result.span] if result.span else None
    return out


def _result_from_json(doc: dict):
    from data.ingest.run import ImportResult

    doc = dict(doc)
    doc["landing_path"] = Path(doc["landing_path"]) if doc.get("landing_path") else None
    doc["span"] = tuple(datetime.fromisoformat(t) for t in doc["span"]) if doc.get("span") else None
    return ImportResult(**doc)


def import_in_worker(data: bytes, *, db: Path, file_name: str, mapping: str | None = None, invoked_by: str = "page",
                     city_name: str | None = None, wait_seconds: float = 5.0, landing_dir: Path | None = None,
                     progress: Callable[[str], None] = lambda _: None, input_limits=None):
    """data.ingest.import_file in a capped child process; same result, never raises for a bad file.
    Raises data.store.WriterBusy like import_file."""
    from data.ingest import ledger
    from data.ingest.limits import load_limits
    from data.ingest.reasons import FileRejected
    from data.ingest.run import ImportResult
    from data.store import WriterBusy

    input_limits = input_limits or load_limits()
    db = Path(db)
    landing_dir = Path(landing_dir) if landing_dir else ledger.default_landing_dir(db)
    sha = ledger.sha256_of(data)
    if len(data) > input_limits.max_file_mb * MB:   # not even landed
        exc = FileRejected("too_large", size_mb=len(data) / MB, limit_mb=input_limits.max_file_mb)
        return ImportResult(file_name=file_name, sha256=sha, status="failed", reason_code=exc.code,
                            message_zh=exc.message_zh)
    landed = ledger.land(data, file_name, landing_dir)
    request = {"source": str(landed), "db": str(db), "file_name": file_name, "mapping": mapping,
               "invoked_by": invoked_by, "city_name": city_name, "wait_seconds": wait_seconds,
               "landing_dir": str(landing_dir), "memory_mb": input_limits.worker_memory_mb}
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]),
                        "MALLOC_ARENA_MAX": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "data.ingest.worker", json.dumps(request)], cwd=PROJECT_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    lines: list[dict] = []
    stderr_tail: list[str] = []

    def read_stdout():
        for line in proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            lines.append(msg)

    def read_stderr():
        for line in proc.stderr:
            stderr_tail.append(line)
            del stderr_tail[:-20]

    readers = [threading.Thread(target=read_stdout, daemon=True), threading.Thread(target=read_stderr, daemon=True)]
    for t in readers:
        t.start()
    deadline = time.monotonic() + input_limits.worker_seconds
    shown = 0
    timed_out = False
    while proc.poll() is None:
        if time.monotonic() > deadline:
            proc.kill()
            timed_out = True
            break
        shown = _relay(lines, shown, progress)
        time.sleep(0.1)
    proc.wait()
    for t in readers:
        t.join(timeout=5)
    _relay(lines, shown, progress)
    for msg in lines:
        if "result" in msg:
            return _result_from_json(msg["result"])
        if msg.get("busy"):
            raise WriterBusy(msg["busy"])
    if timed_out:
        exc = FileRejected("time_limit", limit_s=input_limits.worker_seconds)
    elif proc.returncode in (-9, 137) or any("out_of_memory" in msg for msg in lines) \
            or any("MemoryError" in ln or "memory allocation" in ln for ln in stderr_tail):
        exc = FileRejected("memory_limit", limit_mb=input_limits.worker_memory_mb)
    else:
        exc = FileRejected("worker_failed", detail=f"退出码 {proc.returncode}", limit_mb=input_limits.worker_memory_mb)
    batch_id = _fail_unfinished(db, sha, exc.code, exc.message_zh)
    return ImportResult(file_name=file_name, sha256=sha, status="failed", batch_id=batch_id, reason_code=exc.code,
                        message_zh=exc.message_zh, landing_path=landed)


def _relay(lines: list[dict], shown: int, progress: Callable[[str], None]) -> int:
    while shown < len(lines):
        if "progress" in lines[shown]:
            progress(lines[shown]["progress"])
        shown += 1
    return shown


def _fail_unfinished(db: Path, sha: str, code: str, message_zh: str) -> int | None:
    """Marks the import of `sha` the dead child left at 'started' as failed; its batch id."""
    import duckdb

    from data.store import writer_lock

    if not db.exists():
        return None
    with writer_lock(db, wait_seconds=30):
        con = duckdb.connect(str(db))
        try:
            if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'import_ledger'"
                               ).fetchall()[0][0]:
                return None   # the child died before it could start one
            row = con.execute("""SELECT max(batch_id) FROM import_ledger WHERE sha256 = $sha AND status = 'started'""",
                              {"sha": sha}).fetchall()[0][0]
            if row is None:
                return None
            con.execute("""UPDATE import_ledger SET status = 'failed', reason_code = $code, message_zh = $msg,
                           finished_at = $at WHERE batch_id = $id""",
                        {"code": code, "msg": message_zh, "at": datetime.now().replace(microsecond=0), "id": row})
            return int(row)
        finally:
            con.close()


def _out_of_memory(exc: BaseException) -> bool:
    import duckdb
    import pyarrow as pa

    return isinstance(exc, (MemoryError, duckdb.OutOfMemoryException, pa.ArrowMemoryError))


def _child(request: dict) -> int:
    import resource

    cap = int(request["memory_mb"]) * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    def say(doc: dict) -> None:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()

    from data.ingest.run import import_file
    from data.store import WriterBusy

    try:
        result = import_file(Path(request["source"]), db=Path(request["db"]), file_name=request["file_name"],
                             mapping=request["mapping"], invoked_by=request["invoked_by"],
                             city_name=request["city_name"], wait_seconds=float(request["wait_seconds"]),
                             landing_dir=Path(request["landing_dir"]), progress=lambda m: say({"progress": m}))
    except WriterBusy as exc:
        say({"busy": str(exc)})
        return 0
    except Exception as exc:  # noqa: BLE001 - import_file marked the ledger; the page gets the reason, not a traceback
        if _out_of_memory(exc):
            say({"out_of_memory": f"{type(exc).__name__}: {exc}"[:300]})
            return 1
        from data.ingest.reasons import message
        text = message("internal_error", detail=f"{type(exc).__name__}: {exc}"[:300])
        say({"result": {"file_name": request["file_name"], "sha256": "", "status": "failed", "batch_id": None,
                        "format": None, "mapping": None, "encoding": None, "counts": {}, "notes": [],
                        "reason_code": "internal_error", "message_zh": text, "same_as_batch": None,
                        "landing_path": request["source"], "span": None}})
        return 1
    say({"result": _result_to_json(result)})
    return 0


if __name__ == "__main__":
    sys.exit(_child(json.loads(sys.argv[1])))
