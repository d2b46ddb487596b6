"""One import = one DuckDB transaction: reference rows, cases, steps, private data, the key
registry, rejects, flags and the ledger's 'complete' all commit together or not at all.

Big tables have no primary key (schema.sql): an update is a delete of the stored version and an
insert of the new one under the same case_id, guarded by the plan (import_plan.sql).
"""
from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta
from contextlib import contextmanager
from typing import Callable, Iterator

import duckdb
import pandas as pd
import pyarrow as pa

from data.config import PROJECT_ROOT, REFERENCE_DIR
from data.ingest import ledger
from data.ingest.transform import CASE_COLUMNS, PRIVATE_COLUMNS, Staged
from data.store import set_meta
from data.worktime import WorkCalendar, load_time_limits

SQL_DIR = PROJECT_ROOT / "data" / "sql"
# Fault injection for the crash test only: seconds to sleep inside the transaction after the
# cases are written, so a test can kill the process at a known point of a large import.
PAUSE_ENV = "DATA_INGEST_TEST_PAUSE_SECONDS"


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


REFERENCE_DEFAULTS = {"sources": {"is_confidential": False}}


def _insert_missing(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, key: str) -> int:
    """Adds the rows of `frame` whose key the table does not have; returns how many."""
    if frame is None or frame.empty:
        return 0
    columns = con.table(table).columns
    # Columns the source does not give take the schema's default (e.g. sources.is_confidential = false).
    frame = frame.reindex(columns=columns).drop_duplicates(key)
    for column, default in REFERENCE_DEFAULTS.get(table, {}).items():
        frame[column] = frame[column].astype(object).where(frame[column].notna(), default)
    new = con.from_df(frame).join(con.table(table).select(key), key, how="anti")
    added = new.aggregate("count(*)").fetchall()[0][0]
    new.insert_into(table)
    return added


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One import transaction: everything inside commits together, or nothing does (any error,
    KeyboardInterrupt included, rolls back)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _complete(con: duckdb.DuckDBPyConnection, batch_id: int, result: dict[str, int], notes: str,
              same_as_batch: int | None) -> None:
    """The last writes of a successful import, inside its transaction."""
    ledger.complete(con, batch_id, result, notes, same_as_batch)
    set_meta(con, "last_import_at", datetime.now().isoformat(timespec="seconds"))


def ensure_reference(con: duckdb.DuckDBPyConnection, *, level_names: tuple[str, ...], city_name: str,
                     calendar: WorkCalendar | None, span: tuple[date, date] | None) -> None:
    """What a fresh database needs besides the imported rows: steps, time limits, area levels,
    the city's name and level names, and calendar days over the data's span."""
    if con.execute("SELECT count(*) FROM steps").fetchall()[0][0] == 0:
        steps = pd.read_csv(REFERENCE_DIR / "steps.csv", dtype=str, keep_default_na=False).replace("", None)
        _insert_missing(con, "steps", steps, "step")
    if con.execute("SELECT count(*) FROM time_limits").fetchall()[0][0] == 0:
        con.register("_limits", load_time_limits(REFERENCE_DIR / "time_limits.csv"))
        con.execute("INSERT INTO time_limits SELECT * FROM _limits")
        con.unregister("_limits")
    if level_names and con.execute("SELECT count(*) FROM area_levels").fetchall()[0][0] == 0:
        con.executemany("INSERT INTO area_levels VALUES (?, ?)", [(i + 1, n) for i, n in enumerate(level_names)])
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    if city_name and "city_name" not in meta:
        set_meta(con, "city_name", city_name)
    if level_names and "level_names" not in meta:
        set_meta(con, "level_names", ",".join(level_names))
    if calendar is not None and span is not None:
        frame = calendar.calendar_frame(span[0] - timedelta(days=60), span[1] + timedelta(days=400))
        _insert_missing(con, "calendar", frame, "cal_date")


def load_cases(con: duckdb.DuckDBPyConnection, staged: Staged, *, origin: str, batch_id: int, file_name: str,
               notes: str, same_as_batch: int | None, progress: Callable[[str], None] = lambda _: None, reference: dict | None = None) -> dict[str, int]:
    """The import transaction for case records; returns the ledger counts."""
    cases = staged.cases
    plan_input = cases[CASE_COLUMNS + PRIVATE_COLUMNS + ["opinion", "line", "record_hash"]]
    with _transaction(con):
        progress("写入数据库（单个事务）……")
        if reference:
            ensure_reference(con, **reference)
        for table, frame, key in (("areas", staged.new_areas, "area_code"), ("units", staged.new_units, "unit_code"),
                                  ("categories", staged.new_categories, "category_code"),
                                  ("sources", staged.new_sources, "source_code")):
            _insert_missing(con, table, frame, key)
        con.register("staged_cases", pa.Table.from_pandas(plan_input, preserve_index=False))
        first_id = con.execute("SELECT coalesce(max(case_id), 0) + 1 FROM cases").fetchall()[0][0]
        # A temporary table (never persisted) keeps the plan inside DuckDB instead of in Python memory.
        con.execute("CREATE OR REPLACE TEMP TABLE import_plan AS " + _sql("import_plan"),
                    {"origin": origin, "first_id": first_id})
        con.unregister("staged_cases")
        counts = dict(con.execute("SELECT action, count(*) FROM import_plan GROUP BY action").fetchall())
        # An update replaces the stored version: its case row, steps and private data go first.
        con.execute("DELETE FROM cases WHERE case_id IN (SELECT stored_case_id FROM import_plan WHERE action = 'update')")
        con.execute("DELETE FROM case_steps WHERE case_id IN "
                    "(SELECT stored_case_id FROM import_plan WHERE action = 'update')")
        con.execute("DELETE FROM case_private WHERE case_id IN "
                    "(SELECT stored_case_id FROM import_plan WHERE action = 'update')")
        con.execute(_sql("import_cases"), {"origin": origin})
        con.execute(_sql("import_case_steps"))
        con.execute("""
            INSERT INTO case_private BY NAME
            SELECT case_id, reporter_name, reporter_phone, reporter_id_no, address FROM import_plan
            WHERE action IN ('insert', 'update')
              AND coalesce(reporter_name, reporter_phone, reporter_id_no, address) IS NOT NULL""")
        con.execute("""
            DELETE FROM import_records WHERE origin = $origin
              AND case_no IN (SELECT case_no FROM import_plan WHERE action = 'update')""", {"origin": origin})
        con.execute("""
            INSERT INTO import_records
            SELECT $origin, case_no, case_id, updated_at, record_hash, $batch, line FROM import_plan
            WHERE action IN ('insert', 'update')""", {"origin": origin, "batch": batch_id})
        _write_rejects_and_flags(con, staged, batch_id=batch_id, file_name=file_name)
        con.execute("""
            INSERT INTO import_flags
            SELECT $batch, line, case_no,
                   CASE WHEN same_time_conflict THEN 'same_time_conflict' ELSE 'stale' END,
                   CASE WHEN same_time_conflict THEN '与已存记录更新时间相同但内容不同，按内容指纹确定取舍'
                        ELSE '数据库中已有更新的版本（更新时间 ' || strftime(stored_updated_at, '%Y-%m-%d %H:%M:%S')
                             || '），本行未覆盖' END
            FROM import_plan WHERE action = 'stale' OR same_time_conflict""", {"batch": batch_id})
        con.execute("DROP TABLE import_plan")
        flagged = con.execute("""
            SELECT count(DISTINCT line) FROM import_flags
            WHERE batch_id = $batch AND flag_code <> 'duplicate_in_file'""", {"batch": batch_id}).fetchall()[0][0]
        pause = float(os.environ.get(PAUSE_ENV, "0") or 0)
        if pause:
            progress(f"（测试）事务中暂停 {pause} 秒")
            time.sleep(pause)
        result = {
            "rows_read": staged.rows_read, "accepted": staged.accepted, "rejected": staged.rejected,
            "duplicates": staged.duplicates, "inserted": counts.get("insert", 0), "updated": counts.get("update", 0),
            "unchanged": counts.get("unchanged", 0), "stale": counts.get("stale", 0),
            "flagged": int(flagged),
        }
        _complete(con, batch_id, result, notes, same_as_batch)
    return result


def _write_rejects_and_flags(con: duckdb.DuckDBPyConnection, staged: Staged, *, batch_id: int, file_name: str) -> None:
    if not staged.rejects.empty:
        rejects = staged.rejects.assign(batch_id=batch_id, file_name=file_name)
        rejects["line"] = rejects["line"].astype("int64")
        con.register("_rejects", rejects[["batch_id", "file_name", "line", "raw_record", "raw_masked", "reason_code",
                                          "column_name", "message_zh"]])
        con.execute("INSERT INTO import_rejects SELECT * FROM _rejects")
        con.unregister("_rejects")
    if not staged.flags.empty:
        flags = staged.flags.assign(batch_id=batch_id)
        flags["line"] = flags["line"].astype("int64")
        con.register("_flags", flags[["batch_id", "line", "case_no", "flag_code", "message_zh"]])
        con.execute("INSERT INTO import_flags SELECT * FROM _flags")
        con.unregister("_flags")


def load_services(con: duckdb.DuckDBPyConnection, staged: Staged, categories: pd.DataFrame, *, batch_id: int,
                  file_name: str, notes: str, same_as_batch: int | None) -> dict[str, int]:
    """The import transaction for an Open311 service list: categories are inserted or replaced
    (the list is the authority on a service's name and group), and cases of those services
    follow their category's major class."""
    with _transaction(con):
        con.register("_services", categories)
        counts = dict(con.execute("""
            SELECT CASE WHEN c.category_code IS NULL THEN 'insert'
                        WHEN c.major_code = s.major_code AND c.major_name = s.major_name AND c.minor_name = s.minor_name
                             AND c.kind = s.kind AND c.minor_code = s.minor_code THEN 'unchanged'
                        ELSE 'update' END AS action, count(*)
            FROM _services s LEFT JOIN categories c ON c.category_code = s.category_code
            GROUP BY ALL""").fetchall())
        con.execute("INSERT OR REPLACE INTO categories BY NAME SELECT * FROM _services")
        con.execute("""
            UPDATE cases SET major_code = s.major_code, kind = s.kind
            FROM _services s
            WHERE cases.category_code = s.category_code AND (cases.major_code <> s.major_code OR cases.kind <> s.kind)""")
        con.unregister("_services")
        _write_rejects_and_flags(con, staged, batch_id=batch_id, file_name=file_name)
        result = {"rows_read": staged.rows_read, "accepted": staged.accepted, "rejected": staged.rejected,
                  "duplicates": staged.duplicates, "inserted": counts.get("insert", 0),
                  "updated": counts.get("update", 0), "unchanged": counts.get("unchanged", 0), "stale": 0,
                  "flagged": 0}
        _complete(con, batch_id, result, notes, same_as_batch)
    return result
