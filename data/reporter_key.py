"""The salt of reporter keys (一人多诉 / 多人同诉 count one reporter without reading a number).

A reporter key is SHA-256 of a secret salt and the phone's digits, set by the writers when they
publish (data/sql/refresh_reporter_key.sql). The salt never enters the database: without it, the
10^11 possible mobile numbers cannot be hashed to find whose key is whose. It is
$DASHBOARD_REPORTER_SALT, else a file `reporter_key.salt` beside the database, created with 32 random
bytes (mode 0600) the first time a key is needed. Changing the salt changes every key: keys are set
only where unset, so an operator who rotates it clears the column first (UPDATE case_private SET reporter_key = NULL).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import duckdb

from data.config import PROJECT_ROOT, db_path

REFRESH_PATH = PROJECT_ROOT / "data" / "sql" / "refresh_reporter_key.sql"
SALT_FILE = "reporter_key.salt"


def salt(db: Path | None = None) -> str:
    configured = os.environ.get("DASHBOARD_REPORTER_SALT")
    if configured:
        return configured
    path = Path(db or db_path()).parent / SALT_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass                                     # another writer made it first: use theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def refresh_reporter_keys(con: duckdb.DuckDBPyConnection, db: Path | None = None) -> int:
    """Sets the keys of rows with a phone and no key; returns how many. Reads the salt only if needed."""
    pending = con.execute("SELECT count(*) FROM case_private WHERE reporter_key IS NULL AND reporter_phone IS NOT NULL"
                          ).fetchall()[0][0]
    if not pending:
        return 0
    con.execute(REFRESH_PATH.read_text(encoding="utf-8"), {"salt": salt(db)}).fetchall()
    return int(pending)
