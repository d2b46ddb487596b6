"""The landing folder (every raw file, named by its sha256) and the import ledger.

Landing: <landing>/<sha256>.<ext>, written once (tmp + os.replace), never changed, plus
manifest.jsonl with one line per distinct completed import (file name, sha256, mapping), in order:
the database can be rebuilt from the landing folder alone (`python -m data.ingest --rebuild`).
The ledger's 'complete' commits with the data; the manifest is derived from the ledger
(`sync_manifest`) right after the commit and again at every start, so a crash between the two
loses no manifest line.

Ledger rows are committed on their own before an import's transaction starts, so a killed import
leaves its row at status 'started' (shown as 未完成) and nothing else; importing the same bytes
again reuses that row and completes it.
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

import duckdb

MANIFEST = "manifest.jsonl"
COUNT_COLUMNS = ("rows_read", "accepted", "inserted", "updated", "unchanged", "stale", "rejected", "duplicates",
                 "flagged")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_landing_dir(db: Path) -> Path:
    """Beside the database: data/nyc.duckdb -> data/landing/."""
    return Path(db).resolve().parent / "landing"


def land(data: bytes, file_name: str, landing_dir: Path) -> Path:
    """Keeps the raw bytes as <sha256>.<ext>; returns the path (already there = unchanged)."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    ext = Path(file_name).suffix.lower().lstrip(".")
    ext = ext if ext.isalnum() and len(ext) <= 8 else "bin"
    target = landing_dir / f"{sha256_of(data)}.{ext}"
    if not target.exists():
        tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return target


def record_manifest(landing_dir: Path, *, sha256: str, file_name: str, landing_path: Path, mapping: str,
                    imported_at: datetime | None = None, batch_id: int | None = None) -> None:
    entry = {"sha256": sha256, "file_name": file_name, "landing_file": landing_path.name, "mapping": mapping,
             "imported_at": (imported_at or _now()).isoformat()}
    if batch_id is not None:
        entry["batch_id"] = batch_id
    landing_dir.mkdir(parents=True, exist_ok=True)
    with open(landing_dir / MANIFEST, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


# Complete imports in order; a database from before mapping_source (opened read-only) lacks it.
_COMPLETE_IMPORTS = {
    True: """SELECT batch_id, file_name, sha256, coalesce(mapping_source, mapping), finished_at
             FROM import_ledger WHERE status = 'complete' ORDER BY batch_id""",
    False: """SELECT batch_id, file_name, sha256, mapping, finished_at
              FROM import_ledger WHERE status = 'complete' ORDER BY batch_id""",
}


def sync_manifest(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> list[dict]:
    """Appends a manifest line for every complete import of the ledger whose bytes the manifest
    does not list yet (in batch order); returns the lines added. Importing the same bytes again
    changes nothing, so one line per sha256 replays everything."""
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'import_ledger'").fetchall()}
    if not columns:
        return []
    listed = {entry["sha256"] for entry in read_manifest(landing_dir)}
    rows = con.execute(_COMPLETE_IMPORTS["mapping_source" in columns]).fetchall()
    added = []
    for batch_id, file_name, sha, mapping, finished_at in rows:
        if sha in listed:
            continue
        landed = sorted(landing_dir.glob(f"{sha}.*"))
        landed = [p for p in landed if ".tmp" not in p.suffix]
        if not landed:
            continue   # the raw file is gone: nothing to replay (rebuild reports landing_missing for listed ones)
        record_manifest(landing_dir, sha256=sha, file_name=file_name, landing_path=landed[0], mapping=mapping,
                        imported_at=finished_at, batch_id=int(batch_id))
        listed.add(sha)
        added.append({"batch_id": int(batch_id), "sha256": sha, "file_name": file_name})
    return added


def read_manifest(landing_dir: Path) -> list[dict]:
    path = landing_dir / MANIFEST
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def start(con: duckdb.DuckDBPyConnection, *, file_name: str, sha256: str, size_bytes: int, invoked_by: str) -> int:
    """Commits a 'started' row (or reuses the incomplete one of the same bytes); returns batch_id."""
    row = con.execute("""
        SELECT batch_id FROM import_ledger WHERE sha256 = $sha AND status = 'started'
        ORDER BY batch_id DESC LIMIT 1""", {"sha": sha256}).fetchall()
    if row:
        row = row[0]
        con.execute("UPDATE import_ledger SET invoked_by = $by, file_name = $name WHERE batch_id = $id",
                    {"by": invoked_by, "name": file_name, "id": row[0]})
        return int(row[0])
    batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM import_ledger").fetchall()[0][0]
    con.execute("""
        INSERT INTO import_ledger (batch_id, file_name, sha256, size_bytes, invoked_by, started_at, status)
        VALUES ($id, $name, $sha, $size, $by, $at, 'started')""",
                {"id": batch_id, "name": file_name, "sha": sha256, "size": size_bytes, "by": invoked_by, "at": _now()})
    return int(batch_id)


def describe(con: duckdb.DuckDBPyConnection, batch_id: int, *, format: str | None, mapping: str | None,
             encoding: str | None, mapping_source: str | None = None) -> None:
    con.execute("""UPDATE import_ledger SET format = $f, mapping = $m, encoding = $e, mapping_source = $src
                   WHERE batch_id = $id""",
                {"f": format, "m": mapping, "e": encoding, "src": mapping_source, "id": batch_id})


def fail(con: duckdb.DuckDBPyConnection, batch_id: int, code: str, message_zh: str) -> None:
    con.execute("""
        UPDATE import_ledger SET status = 'failed', reason_code = $code, message_zh = $msg, finished_at = $at
        WHERE batch_id = $id""", {"code": code, "msg": message_zh, "at": _now(), "id": batch_id})


def complete(con: duckdb.DuckDBPyConnection, batch_id: int, counts: dict[str, int], notes: str,
             same_as_batch: int | None) -> None:
    """Inside the import's transaction: the row turns 'complete' exactly when the data commit."""
    con.execute("""
        UPDATE import_ledger SET status = 'complete', finished_at = $at, rows_read = $rows_read,
               accepted = $accepted, inserted = $inserted, updated = $updated, unchanged = $unchanged,
               stale = $stale, rejected = $rejected, duplicates = $duplicates, flagged = $flagged,
               reason_code = NULL, message_zh = $notes, same_as_batch = $same
        WHERE batch_id = $id""", {**{k: int(counts.get(k, 0)) for k in COUNT_COLUMNS}, "at": _now(),
                                  "notes": notes or None, "same": same_as_batch, "id": batch_id})


def earlier_complete(con: duckdb.DuckDBPyConnection, sha256: str, batch_id: int) -> int | None:
    row = con.execute("""
        SELECT max(batch_id) FROM import_ledger WHERE sha256 = $sha AND status = 'complete' AND batch_id <> $id""",
                      {"sha": sha256, "id": batch_id}).fetchall()[0]
    return None if row[0] is None else int(row[0])
