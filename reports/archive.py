"""Generated bulletins kept in one place, with a history of who generated what.

Files go to <archive>/<year>/<stem>_<YYYYmmdd-HHMMSS>.<ext>, each written to a temporary name and
renamed into place, so a reader (or the shared folder a cron job fills) never sees half a file.
history.jsonl gets one line per bulletin (appended with one os.write on an O_APPEND file, like the
audit trail data/audit.py): when, who, which period and scope, the 文号, the files and their SHA-256.
The page's history table and the 文号 sequence are read from it.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

HISTORY_FILE = "history.jsonl"


@dataclass(frozen=True)
class Entry:
    generated_at: str
    generated_by: str
    kind: str
    period_label: str
    period_start: str
    period_end: str           # exclusive
    scope_text: str
    doc_no: str
    title: str
    files: dict[str, str]     # ext -> path relative to the archive
    sha256: dict[str, str]
    is_empty: bool
    origin: str               # page | cli
    districts: list[str] | None = None   # districts the bulletin covers; None = the whole city (who may see it)
    access_label: str | None = None      # the generating identity's grant (street and unit grants see their own)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def save(directory: Path, bulletin, files: dict[str, bytes], origin: str,
         districts: list[str] | None = None, access_label: str | None = None) -> Entry:
    """Writes every file, then appends the history line; returns the entry."""
    stamp = bulletin.generated_at.strftime("%Y%m%d-%H%M%S")
    folder = directory / str(bulletin.period.last_day.year)
    folder.mkdir(parents=True, exist_ok=True)
    written, digests = {}, {}
    stem, n = f"{bulletin.file_stem}_{stamp}", 2
    while any((folder / f"{stem}.{ext}").exists() for ext in files):   # two in the same second
        stem, n = f"{bulletin.file_stem}_{stamp}-{n}", n + 1
    for ext, data in files.items():
        path = folder / f"{stem}.{ext}"
        _atomic_write(path, data)
        written[ext] = str(path.relative_to(directory))
        digests[ext] = hashlib.sha256(data).hexdigest()
    entry = Entry(bulletin.generated_at.isoformat(timespec="seconds"), bulletin.generated_by, bulletin.period.kind,
                  bulletin.period.label, bulletin.period.start.isoformat(), bulletin.period.end.isoformat(),
                  bulletin.scope_text, bulletin.doc_no, bulletin.title, written, digests, bulletin.is_empty, origin,
                  districts, access_label)
    line = (json.dumps(asdict(entry), ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(directory / HISTORY_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        if os.write(fd, line) != len(line):
            raise OSError("通报生成记录未能完整写入")
    finally:
        os.close(fd)
    return entry


def history(directory: Path) -> list[Entry]:
    """Every entry, newest first; unreadable lines are skipped."""
    path = directory / HISTORY_FILE
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(Entry(**json.loads(line)))
        except (ValueError, TypeError):
            continue
    return sorted(out, key=lambda e: e.generated_at, reverse=True)


def next_seq(directory: Path, kind: str, year: int) -> int:
    """The 文号 sequence: bulletins of this kind already issued for periods ending in `year`, plus one."""
    def last_year(e: Entry) -> int:
        return (date.fromisoformat(e.period_end) - timedelta(days=1)).year
    return 1 + sum(1 for e in history(directory) if e.kind == kind and last_year(e) == year)
