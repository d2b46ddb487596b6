"""The readers' snapshot holds only what the dashboard may show (security.md rule 11).

`write_snapshot` copies the writers' committed database to a new file and, in the copy only,
replaces personal data by its shown form: the reporter masked (data/sql/snapshot_private.sql, with
the salted reporter_key kept for 一人多诉), people's names masked, rejected records as masked,
the audit trail dropped, and free text (descriptions, opinions, titles, import messages) passed
through the one scrubber (data/privacy.py). The raw values stay in the writers' database; the one
path back to them is data/private_store.py (audited).

So a query bug on the read side cannot show a phone number the snapshot does not hold, and the
case search, which runs over the snapshot's descriptions, searches only the scrubbed text (rule 12).

Cost: the writers scrub each distinct free-text value once (refresh_scrubbed_text, at publish,
into the writers-only table scrubbed_text); a snapshot then only joins on a hash. Figures in
docs/security.md.
Known limit: DuckDB does not zero the blocks an UPDATE or CREATE OR REPLACE frees, so raw bytes can
remain in unused pages of the snapshot file until reused; they are unreachable by SQL. The
follow-up is to keep raw personal data in a writers-only file that is never copied.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from data.config import PROJECT_ROOT
from data.privacy import MAY_CHANGE_RE2, scrub_text
from data.writer_memory import writer_memory_settings

PRIVATE_SQL = PROJECT_ROOT / "data" / "sql" / "snapshot_private.sql"
# Free-text columns anyone may have typed a phone or ID number into: table -> columns.
FREE_TEXT = {
    "cases": ("description",),
    "case_steps": ("opinion",),
    "import_ledger": ("file_name", "message_zh"),
    "import_rejects": ("raw_record", "raw_masked", "message_zh"),
    "import_flags": ("message_zh",),
    "whistles": ("problem",),
    "supervision_orders": ("problem",),
    "wishes": ("title",),
    "needs": ("title",),
    "resources": ("title",),
    "projects": ("title",),
    "activities": ("title",),
}


def _free_text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return [(t, c) for t, cols in FREE_TEXT.items() if t in tables for c in cols]


def refresh_scrubbed_text(con: duckdb.DuckDBPyConnection) -> int:
    """On the writers' database (data.store.refresh_derived): looks at every free-text value not
    seen before, once per distinct value, and records its scrubbed form where the scrubber changes
    it. scrub_text runs only where the RE2 prefilter finds a long digit run (the scrubber changes
    nothing else). Returns how many new values were looked at."""
    try:
        con.create_function("scrub_text", scrub_text, ["VARCHAR"], "VARCHAR", side_effects=False)
    except duckdb.NotImplementedException:
        pass                                # registered on this connection by an earlier publish
    seen = 0
    for table, column in _free_text_columns(con):
        # Identifiers come from the FREE_TEXT allow-list above, never from input.
        seen += con.execute(f"""
            INSERT INTO scrubbed_text
            SELECT h, CASE WHEN regexp_matches(raw, $may_change) THEN nullif(scrub_text(raw), raw) END
            FROM (SELECT DISTINCT hash("{column}") AS h, "{column}" AS raw FROM "{table}"
                  WHERE "{column}" IS NOT NULL
                    AND hash("{column}") NOT IN (SELECT text_hash FROM scrubbed_text))
        """, {"may_change": MAY_CHANGE_RE2}).fetchall()[0][0]  # noqa: S608
    return seen


def _apply_scrubbed_text(con: duckdb.DuckDBPyConnection) -> None:
    """On the snapshot copy: every free-text value the scrubber changes replaced by its shown form."""
    con.execute("CREATE OR REPLACE TEMP TABLE changed AS SELECT * FROM scrubbed_text WHERE shown IS NOT NULL")
    for table, column in _free_text_columns(con):
        con.execute(f"""
            UPDATE "{table}" SET "{column}" = m.shown FROM changed m
            WHERE hash("{table}"."{column}") = m.text_hash
        """)  # noqa: S608
    con.execute("DROP TABLE changed")
    con.execute("DROP TABLE scrubbed_text")


def strip_private(path: Path) -> None:
    """Replaces personal data in the database file at `path` (a snapshot copy) by its shown form."""
    con = duckdb.connect(str(path), config=writer_memory_settings())   # the publish's memory bound
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(PRIVATE_SQL.read_text(encoding="utf-8"))
        _apply_scrubbed_text(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def write_snapshot(db: Path, target: Path) -> None:
    """Writes the readers' version of the (checkpointed) writers' database `db` to `target`."""
    shutil.copyfile(db, target)
    strip_private(target)
