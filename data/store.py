"""The writers' side of the database: one writer at a time, readers see atomic snapshots.

DuckDB lets one process hold a read-write connection and locks every other process out, read-only
opens included. So writers (seed, simulator, importer) take an exclusive lock file, write the
database at `config.db_path()`, CHECKPOINT, and publish a copy with `os.replace` to
`config.published_path(db)`, which the dashboard opens read-only and reopens when it changes.
A crash mid-write leaves the last published snapshot untouched, and DuckDB's WAL keeps the
writer's file at the last committed transaction.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import duckdb

from data.config import PROJECT_ROOT, published_path
from data.snapshot import refresh_scrubbed_text, write_snapshot
from data.writer_memory import bound_writer_memory

SCHEMA_PATH = PROJECT_ROOT / "data" / "schema.sql"
REFRESH_SPAN_PATH = PROJECT_ROOT / "data" / "sql" / "refresh_case_span.sql"
DATA_SPAN_PATH = PROJECT_ROOT / "data" / "sql" / "meta_data_span.sql"
REFRESH_HANDOFFS_PATH = PROJECT_ROOT / "data" / "sql" / "refresh_case_handoffs.sql"
REFRESH_DISPATCHES_PATH = PROJECT_ROOT / "data" / "sql" / "refresh_case_dispatches.sql"
REFRESH_WORK_MINUTES_PATH = PROJECT_ROOT / "data" / "sql" / "refresh_case_work_minutes.sql"
REFRESH_OPEN_CASES_PATH = PROJECT_ROOT / "data" / "sql" / "refresh_open_cases.sql"
# Raise when schema.sql gains something the queries need (a column, a table): every publish stamps
# it into meta, and the dashboard republishes a snapshot stamped otherwise (ui.app.ensure_database).
SCHEMA_VERSION = "24"  # 2: cases.first_event_at / last_event_at; 3: case_private.reporter_key;
                       # 4: cases.overdue_from_at, meta data span; 5: snapshots without raw personal
                       # data (data/snapshot.py): older snapshots are republished; 6: kpi_daily
                       # (pre-aggregated KPI counts; without it kpi_counts takes the case path);
                       # 7: kpi_daily_unsettled (kpi_daily's correction for the publish day);
                       # 8: case_handoffs (hand-offs per case, built from the steps);
                       # 9: case_dispatches (dispatches in time order; 推诿率's denominator reads it);
                       # 10: case_handoffs / case_dispatches hold the case's access codes (no join);
                       # 11: cases.dispatch_work_minutes / close_work_minutes (预计办结 reads them);
                       # 12: open_cases (the cases open at publish: alert strip, live overdue count);
                       # 13: expected_stats_day (预计办结's figures per grant for the publish day)
                       # 14: accepted_daily (趋势's accepted counts by day, district and source / 小类 / hour)
                       # 15: expected_calibration_closed / _open (预计办结's calibration per grant, last quarter)
                       # 17: case_durations / case_duration_days (median and P90 of working hours
                       #     by rank, built with kpi_daily: queries/kpi_daily.duration_quantiles)
                       # 18: accepted_daily landed after 17 had been stamped: a database published at
                       #     17 before it lacks the table its 趋势 queries bind (16 was not used)
                       # 19: case_durations' measure 'handle_closed' (处置时长 of the cases closed, by
                       #     closing day: 趋势's handling_time by rank, queries/trends.py)
                       # 21: community_due_daily (the pairing scorecard's 应结案 counts per community,
                       #     built with kpi_daily: queries/community_due_daily.py; landed after 22, so
                       #     a database stamped 22 before that lacks it: republish such a scratch copy)
                       # 22: open_cases' working minutes at dispatch, handling deadline and deadline
                       #     (the alert strip's alert_cases.sql compares integers; meta open_cases_office)
                       # 23: 21 and 22 together: a database stamped 22 between them (open_cases' minutes
                       #     without community_due_daily) is republished rather than left without the table
                       # 24: anomaly_daily (异动's reports per day, street and 小类: anomaly_counts reads the
                       #     days no week boundary cuts from it, queries/anomalies.py)


class WriterBusy(RuntimeError):
    """Another writer holds the database."""


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))


def refresh_derived(con: duckdb.DuckDBPyConnection, db: Path | None = None) -> None:
    """Brings the columns derived from others (cases.first_event_at / last_event_at, case_private.reporter_key),
    the writers' scrubbed forms of free text (data/snapshot.py) and the tables built at publish
    (open_cases, case_handoffs, case_dispatches, kpi_daily, accepted_daily) up to date."""
    con.execute("SET enable_progress_bar = false")   # DuckDB draws one on stdout for long statements
    con.execute(REFRESH_SPAN_PATH.read_text(encoding="utf-8"))
    from data.reporter_key import refresh_reporter_keys   # late: data.reporter_key reads data.config
    refresh_reporter_keys(con, db)
    refresh_scrubbed_text(con)
    refresh_open_cases(con)
    refresh_case_handoffs(con)
    refresh_case_work_minutes(con)
    refresh_kpi_daily(con)
    refresh_accepted_daily(con)
    refresh_anomaly_daily(con)
    refresh_expected_stats_day(con)
    refresh_expected_calibration(con)


def refresh_expected_stats_day(con: duckdb.DuckDBPyConnection, *, force: bool = False,
                               now_at: datetime | None = None) -> int:
    """Builds 预计办结's figures (expected_stats_day, queries/expected.build_day) for the whole city and each
    district, as of the start of the publish day (the clock of running views, as refresh_kpi_daily) with
    the city's window — when the city has kpi_daily_min_cases() cases or more (or `force`): below that
    each grant's query is cheap and a publish every few seconds would pay for grants nobody opens. The
    meta keys are removed first and set last, so until a build completes every view runs the query."""
    from data.signals_config import load_signals      # late: reads data.config
    from queries.expected import build_day

    keys = ("expected_stats_day_as_of", "expected_stats_day_window_days", "expected_stats_day_office")
    con.execute("DELETE FROM meta WHERE key IN ($a, $b, $c)", dict(zip("abc", keys)))
    if not force and not builds_publish_tables(con):
        con.execute("DELETE FROM expected_stats_day")
        return 0
    day = (now_at or datetime.now()).date()
    window_days = load_signals().expected_window_days
    office, rows = build_day(con, datetime.combine(day, datetime.min.time()), window_days)
    set_meta(con, "expected_stats_day_window_days", str(int(window_days)))
    set_meta(con, "expected_stats_day_office", office)
    set_meta(con, "expected_stats_day_as_of", day.isoformat())
    return rows


def refresh_expected_calibration(con: duckdb.DuckDBPyConnection, *, force: bool = False,
                                 now_at: datetime | None = None) -> int:
    """Builds 预计办结's calibration rows (expected_calibration_closed / _open, queries/expected.
    build_calibration) for the whole city and each district, for the last quarter closed before the
    publish day with the city's window and minimum closures, by the rule of refresh_expected_stats_day
    (cities of kpi_daily_min_cases() cases or more, or `force`; meta removed first, set last)."""
    from data.signals_config import load_signals      # late: reads data.config
    from queries.expected import build_calibration, last_closed_quarter

    keys = ("expected_calibration_q_start", "expected_calibration_q_end", "expected_calibration_window_days",
            "expected_calibration_min_volume", "expected_calibration_office")
    con.execute("DELETE FROM meta WHERE key IN ($a, $b, $c, $d, $e)", dict(zip("abcde", keys)))
    if not force and not builds_publish_tables(con):
        con.execute("DELETE FROM expected_calibration_closed")
        con.execute("DELETE FROM expected_calibration_open")
        return 0
    quarter = last_closed_quarter((now_at or datetime.now()).date())
    signals = load_signals()
    office, rows = build_calibration(con, quarter, signals.expected_window_days, signals.expected_min_cases)
    set_meta(con, "expected_calibration_q_end", quarter[1].isoformat())
    set_meta(con, "expected_calibration_window_days", str(int(signals.expected_window_days)))
    set_meta(con, "expected_calibration_min_volume", str(int(signals.expected_min_cases)))
    set_meta(con, "expected_calibration_office", office)
    set_meta(con, "expected_calibration_q_start", quarter[0].isoformat())
    return rows


def refresh_case_work_minutes(con: duckdb.DuckDBPyConnection) -> None:
    """Brings cases.dispatch_work_minutes / close_work_minutes up to date under the city's office hours
    and records those hours in meta work_minutes_office; the key is removed first and set last, so a
    reader never takes minutes of other office hours for its own (queries/expected.py then clocks
    each case itself, as before)."""
    from queries.worktime_sql import office_key, office_params   # late: reads data.config

    params = office_params()
    con.execute("DELETE FROM meta WHERE key = 'work_minutes_office'")
    con.execute(REFRESH_WORK_MINUTES_PATH.read_text(encoding="utf-8"), params)
    set_meta(con, "work_minutes_office", office_key(params))


def refresh_open_cases(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuilds open_cases from cases (whole table: the open set depends on each case's row only, and the
    alert strip and the live overdue count read it through scoped_open_cases, so every snapshot must have
    it complete), with each case's working minutes at dispatch, handling deadline and deadline under the
    city's office hours, which it records in meta open_cases_office: removed first and set last, so a
    reader never compares minutes of other office hours with its own (queries/alerts.py then clocks each
    case itself, alert_cases_clocked.sql)."""
    from queries.worktime_sql import office_key, office_params   # late: reads data.config

    params = office_params()
    con.execute("DELETE FROM meta WHERE key = 'open_cases_office'")
    con.execute("DELETE FROM open_cases")
    con.execute(REFRESH_OPEN_CASES_PATH.read_text(encoding="utf-8"), params)
    set_meta(con, "open_cases_office", office_key(params))


def refresh_case_handoffs(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuilds case_handoffs and case_dispatches from case_steps (whole tables: both depend on a case's
    steps only, and the dashboard reads them through scoped_handoffs / scoped_case_dispatches, so every
    snapshot must have them complete)."""
    con.execute("DELETE FROM case_handoffs")
    con.execute(REFRESH_HANDOFFS_PATH.read_text(encoding="utf-8"))
    con.execute("DELETE FROM case_dispatches")
    con.execute(REFRESH_DISPATCHES_PATH.read_text(encoding="utf-8"))


# Below this many cases kpi_daily is not built and every query takes the case path: at 219k and 1M
# cases the aggregate path measured slower than the case path even for two years (its fixed part,
# ~0.13 s CPU, is what the case path costs there), while the build added 3 s (219k) to 8 s (1M) of
# CPU to every publish — every 10 s on the live demo (docs/performance.md section 5). At 10M it
# made two years 10x cheaper. Override with DASHBOARD_KPI_DAILY_MIN_CASES (0 = always build).
KPI_DAILY_MIN_CASES = 3_000_000


def kpi_daily_min_cases() -> int:
    raw = os.environ.get("DASHBOARD_KPI_DAILY_MIN_CASES", "").strip()
    try:
        return max(0, int(raw)) if raw else KPI_DAILY_MIN_CASES
    except ValueError:
        raise ValueError(f"DASHBOARD_KPI_DAILY_MIN_CASES 应为非负整数，收到 {raw!r}") from None


def builds_publish_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """The city has kpi_daily_min_cases() cases or more: the publish builds the pre-aggregated tables
    (kpi_daily and the tables built with it, accepted_daily, anomaly_daily, expected_stats_day,
    expected_calibration_*); below that each refresh empties its table and the queries read the cases."""
    return con.execute("SELECT count(*) FROM cases").fetchone()[0] >= kpi_daily_min_cases()


def refresh_kpi_daily(con: duckdb.DuckDBPyConnection, *, force: bool = False,
                      now_at: datetime | None = None) -> int:
    """Rebuilds the pre-aggregated KPI counts (kpi_daily, queries/kpi_daily.py) under the city's KPI
    rules, after the span columns it relies on — when the city has at least kpi_daily_min_cases()
    cases (or `force`); below that the table is emptied and every query takes the case path. The
    rules key in meta is removed first and set last, so until a build completes the dashboard takes
    the case path. B of the aggregate path is precomputed for the day of `now_at` (default: the
    clock's now, as the dashboard's windows use it). Returns the rows built."""
    from data.config import load_city           # late: as for data.reporter_key
    from queries.kpi_daily import build
    from queries.kpis import apply_rules
    from queries.scope import Scope

    con.execute("DELETE FROM meta WHERE key IN ('kpi_daily_rules', 'kpi_daily_unsettled_day')")
    if not force and not builds_publish_tables(con):
        con.execute("DELETE FROM kpi_daily")
        con.execute("DELETE FROM kpi_daily_unsettled")
        con.execute("DELETE FROM community_due_daily")
        con.execute("DELETE FROM case_durations")
        con.execute("DELETE FROM case_duration_days")
        return 0
    # The publish day by the clock running windows use (Scope.now_at): B is precomputed for it.
    today = (now_at or datetime.now()).date()
    rules, rows = build(con, apply_rules(Scope(date(2000, 1, 1), date(2000, 1, 2)), load_city()), today)
    set_meta(con, "kpi_daily_unsettled_day", today.isoformat())
    set_meta(con, "kpi_daily_rules", rules)
    return rows


def refresh_accepted_daily(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> int:
    """Rebuilds 趋势's accepted counts (accepted_daily, queries/accepted_daily.py) under the city's KPI rules
    when the city has at least kpi_daily_min_cases() cases (or `force`); below that the table is emptied
    and the case queries answer (cheap there, and a publish every few seconds pays nothing). The rules key
    in meta is removed first and set last, so until a build completes every view reads the cases."""
    from data.config import load_city           # late: as for data.reporter_key
    from queries.accepted_daily import build
    from queries.kpis import apply_rules
    from queries.scope import Scope

    con.execute("DELETE FROM meta WHERE key = 'accepted_daily_rules'")
    if not force and not builds_publish_tables(con):
        con.execute("DELETE FROM accepted_daily")
        return 0
    rules, rows = build(con, apply_rules(Scope(date(2000, 1, 1), date(2000, 1, 2)), load_city()))
    set_meta(con, "accepted_daily_rules", rules)
    return rows


def refresh_anomaly_daily(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> int:
    """Rebuilds 异动's reports per day, street and 小类 (anomaly_daily, anomaly_daily_build.sql) when the city
    has at least kpi_daily_min_cases() cases (or `force`); below that the table is emptied and
    anomaly_counts reads the cases (cheap there). meta anomaly_daily_built is removed first and set last,
    so until a build completes every view reads the cases. Returns the rows built."""
    from queries.kpi_daily import publish_scope, refill
    from queries.scope import Scope

    con.execute("DELETE FROM meta WHERE key = 'anomaly_daily_built'")
    if not force and not builds_publish_tables(con):
        con.execute("DELETE FROM anomaly_daily")
        return 0
    refill(con, "anomaly_daily", "anomaly_daily_build", publish_scope(Scope(date(2000, 1, 1), date(2000, 1, 2))))
    set_meta(con, "anomaly_daily_built", "1")
    return con.execute("SELECT count(*) FROM anomaly_daily").fetchone()[0]


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "INSERT OR REPLACE INTO meta (key, value, updated_at) VALUES ($key, $value, $now)",
        {"key": key, "value": value, "now": datetime.now().replace(microsecond=0)},
    )


def publish(con: duckdb.DuckDBPyConnection, db: Path, *, keep: int = 3, grace_seconds: float = 120.0) -> Path:
    """Make the committed state of `db` visible to readers, atomically.

    Each publish is a new file under `<stem>.published/`, and the symlink `published_path(db)` is
    swapped to it with os.replace. A new path per version matters: DuckDB caches database instances
    by path within a process, so reopening a replaced file at the same path returns the old data.
    Old versions are pruned after a grace period; a reader still holding one keeps its inode alive.
    The snapshot always has the current schema (older databases are brought up to it) and fresh
    derived columns, so no writer has to maintain them, and holds no raw personal data: the raw
    values stay in `db` (data/snapshot.py).
    Every publish runs under the writers' memory bound (DASHBOARD_WRITER_MEMORY_MB, data/writer_memory.py),
    whichever connection its caller opened.
    """
    bound_writer_memory(con)
    apply_schema(con)
    refresh_derived(con, db)
    set_meta(con, "schema_version", SCHEMA_VERSION)
    first_at, last_at = con.execute(DATA_SPAN_PATH.read_text(encoding="utf-8")).fetchone()
    set_meta(con, "data_first_at", first_at.isoformat() if first_at else "")
    set_meta(con, "data_last_at", last_at.isoformat() if last_at else "")
    con.execute("CHECKPOINT")
    link = published_path(db)
    versions = link.with_suffix(".d")
    versions.mkdir(parents=True, exist_ok=True)
    target = versions / f"{time.time_ns()}.duckdb"
    tmp = target.with_suffix(".tmp")
    write_snapshot(db, tmp)            # a copy without raw personal data (data/snapshot.py)
    os.replace(tmp, target)
    tmp_link = link.with_name(f"{link.name}.tmp{os.getpid()}")
    tmp_link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, link.parent), tmp_link)
    os.replace(tmp_link, link)
    _prune(versions, current=target, keep=keep, grace_seconds=grace_seconds)
    return target


def _prune(versions: Path, *, current: Path, keep: int, grace_seconds: float) -> None:
    files = sorted(versions.glob("*.duckdb"), key=lambda p: p.name, reverse=True)
    now_s = time.time()
    for old in files[keep:]:
        if old != current and now_s - old.stat().st_mtime > grace_seconds:
            old.unlink(missing_ok=True)


def has_unpublished_changes(db: Path) -> bool:
    """True when the writers' database (or its WAL) changed after the published snapshot was
    copied from it: a writer committed and died before publishing. Every publish copies after its
    CHECKPOINT, so a published snapshot is never older than the file it came from."""
    db = Path(db)
    link = published_path(db)
    try:
        published_ns = os.stat(os.path.realpath(link)).st_mtime_ns
    except OSError:
        return db.exists()
    changed_ns = [os.stat(p).st_mtime_ns for p in (db, db.with_name(db.name + ".wal")) if p.exists()]
    return bool(changed_ns) and max(changed_ns) > published_ns


@contextmanager
def writer_lock(db: Path, *, wait_seconds: float = 120.0) -> Iterator[None]:
    """Exclusive right to write `db` (an flock on `<db>.lock`); waits up to `wait_seconds`."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    lock_file = open(db.with_name(db.name + ".lock"), "w")
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WriterBusy(f"另一个写入进程正在使用数据库 {db}，请稍后再试") from None
                time.sleep(0.2)
        yield
    finally:
        lock_file.close()  # closing the file releases the lock


@contextmanager
def writer(db: Path, *, wait_seconds: float = 120.0, touch_meta: str | None = "last_write_at",
           keep: int = 3, grace_seconds: float = 120.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Exclusive read-write connection to `db`; publishes a snapshot when the block ends normally.
    keep / grace_seconds: how many old versions survive pruning, and for how long (see publish)."""
    with writer_lock(db, wait_seconds=wait_seconds):
        con = duckdb.connect(str(db))
        try:
            bound_writer_memory(con)       # the caller's writes too, not only the publish
            apply_schema(con)
            yield con
            if touch_meta:
                set_meta(con, touch_meta, datetime.now().isoformat(timespec="seconds"))
            publish(con, db, keep=keep, grace_seconds=grace_seconds)
        finally:
            con.close()
