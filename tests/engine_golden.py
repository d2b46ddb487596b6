"""Engine against engine: every cacheable query of the dashboard (ui.cache.QUERIES) on DuckDB and on
chdb over the same data, compared exactly (counts, codes, timestamps) and to 1e-9 (rates, hours).

Which query files ran is recorded from the SQL the DuckDB side executed, so a file added to
queries/sql/ that no call reaches shows up as a gap (tests/test_engines_golden.py fails on it unless
SKIP names it with a reason). Used by the golden test and by benchmarks/bench_engines.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from queries.runner import SQL_DIR, compose, fetch
from queries.scope import Access, Scope

# Query files no call of QUERIES reaches, with the reason (the integrator sees the gap here).
SKIP: dict[str, str] = {
    "kpi_daily_counts": "the pre-aggregated KPI path runs on DuckDB only (queries/kpi_daily.py); ClickHouse "
                        "engines take the case path (kpi_counts), which this test compares",
    "kpi_daily_counts_precomputed": "the pre-aggregated KPI path with B built at publish (queries/kpi_daily.py), "
                                    "DuckDB only; ClickHouse engines take the case path (kpi_counts), which this "
                                    "test compares",
    "kpi_durations": "the durations of the pre-aggregated KPI path (queries/kpi_daily.py), DuckDB only; "
                     "ClickHouse engines take the case path (kpi_counts), which this test compares",
    "kpi_daily_rules": "asked by the pre-aggregated KPI path only, on DuckDB only (queries/kpi_daily.built_state)",
    "kpi_daily_trend": "总览's daily trend from kpi_daily (queries/kpi_daily.daily_trend), DuckDB only; ClickHouse "
                       "engines take the case path (daily_trend), which this test compares",
    "kpi_daily_build": "run by the writer at publish on DuckDB (data.store.refresh_kpi_daily), not a read query",
    "kpi_duration_counts": "the durations by rank (queries/kpi_daily.ranked_quantiles), DuckDB only; ClickHouse engines "
                           "take the case path (kpi_counts), which this test compares; tests/test_kpi_duration_ranks.py "
                           "compares the rank path with kpi_durations exactly",
    "kpi_duration_values": "as kpi_duration_counts: the durations by rank, DuckDB only",
    "kpi_durations_build": "run by the writer at publish on DuckDB (queries/kpi_daily.build), not a read query",
    "kpi_duration_days_build": "run by the writer at publish on DuckDB (queries/kpi_daily.build), not a read query",
    "expected_stats": "预计办结 from the minutes clocked at publish, DuckDB only (queries/expected.py); ClickHouse "
                      "engines take expected_stats_clocked, which this test compares; tests/test_expected_work_minutes.py "
                      "compares the two exactly",
    "expected_calibration": "as expected_stats: DuckDB only; ClickHouse engines take expected_calibration_clocked",
    "work_minutes_office": "asked by the 预计办结 queries on DuckDB only (queries/expected.clocked_at_publish)",
    "alert_cases": "the alert strip from open_cases' working minutes clocked at publish, DuckDB only "
                   "(queries/alerts.alert_cases); ClickHouse engines take alert_cases_clocked, which this test "
                   "compares; tests/test_alert_minutes.py compares the two exactly",
    "open_cases_office": "asked by the alert strip on DuckDB only (queries/alerts.minutes_at_publish)",
    "expected_stats_day": "预计办结's figures built at publish for the city and each district, DuckDB only "
                          "(queries/expected.built_for); ClickHouse engines take expected_stats_clocked, which this "
                          "test compares; tests/test_expected_stats_day.py compares the table with the query exactly",
    "expected_stats_day_build": "asked by 预计办结 on DuckDB only (queries/expected.built_for)",
    "expected_calibration_build": "asked by 预计办结's calibration on DuckDB only (queries/expected.calibration_built_for)",
    "expected_calibration_closed_model": "run at publish on DuckDB to build expected_calibration_closed "
                                         "(queries/expected.build_calibration), not a page query; "
                                         "tests/test_expected_calibration_built.py compares the built path exactly",
    "expected_calibration_open_model": "run at publish on DuckDB to build expected_calibration_open "
                                       "(queries/expected.build_calibration), not a page query",
    "accepted_daily_build": "run by the writer at publish on DuckDB (data.store.refresh_accepted_daily), not a read "
                            "query; source_mix, hour_weekday and top_categories read its table on DuckDB only "
                            "(queries/accepted_daily.py) and their case branch, which this test compares, elsewhere",
    "community_due_daily_build": "run by the writer at publish on DuckDB (queries/kpi_daily.build), not a read query; "
                                 "the pairing scorecard reads its table on DuckDB only (queries/community_due_daily.py) "
                                 "and its case path, which this test compares, elsewhere",
    "anomaly_daily_build": "run by the writer at publish on DuckDB (data.store.refresh_anomaly_daily), not a read "
                           "query; anomaly_counts reads its table on DuckDB only (queries/anomalies.py) and reads "
                           "the cases otherwise, which this test compares; tests/test_anomaly_daily.py compares the two",
    "anomaly_daily_built": "asked by anomaly_counts on DuckDB only (queries/anomalies.anomaly_counts)",
    "accepted_daily_rules": "asked by 趋势's counts on DuckDB only (queries/accepted_daily.answers)",
    "kpi_daily_sums": "趋势's cards (time-free counts, whole selection) from kpi_daily, DuckDB only "
                      "(queries/accepted_daily.time_free_counts); ClickHouse engines take kpi_counts, which this test "
                      "compares; tests/test_accepted_daily.py compares the two exactly",
    "kpi_daily_closed_buckets": "趋势's 处置时长 by rank, closed counts per bucket from kpi_daily, DuckDB only "
                                "(queries/trends.handling_by_rank); ClickHouse engines take handling_time, which "
                                "this test compares; tests/test_handling_time_ranks.py compares the two exactly",
}

REL_TOL = 1e-9


def query_files() -> list[str]:
    """Every query file of queries/sql/, found on disk (files other issues add are included)."""
    return sorted(p.stem for p in SQL_DIR.glob("*.sql") if not p.stem.startswith("_"))


class RecordingSource:
    """Wraps a source; remembers the SQL text of every query it ran."""

    def __init__(self, inner):
        self.inner = inner
        self.texts: list[str] = []

    @property
    def version(self):
        return self.inner.version

    def cursor(self):
        cur = self.inner.cursor()
        outer = self

        class _Cursor:
            def execute(self, sql, params=None):
                outer.texts.append(sql)
                cur.execute(sql, params)
                return self

            def __getattr__(self, name):
                return getattr(cur, name)

        return _Cursor()


def files_run(texts: list[str]) -> set[str]:
    bodies = {name: compose(name).rstrip().removesuffix(";") for name in query_files()}
    return {name for name, body in bodies.items() if any(body in t for t in texts)}


def calls(now_at: datetime, *, case_ids: list[int], batch_ids: list[int],
          categories: tuple[str, ...] = ()) -> list[tuple[str, Scope, tuple]]:
    """(query name, scope, args) covering every query with its argument variants, for several scopes:
    the 30-day window, a year, one district's access, filters set, and the wall's windows.
    `categories`: 小类 codes present in the data, for 每月一题 topics."""
    from data.alerts_config import load_alerts
    from data.signals_config import load_signals
    from data.topics import Topic
    from queries.case_records import SORTS, list_sets
    from queries.topics import BY
    from queries.trends import GRAINS
    from queries.wall import wall_scopes

    today = now_at.date()
    base = Scope(start_date=today - timedelta(days=29), end_date=today + timedelta(days=1),
                 access=Access.demo(), now_at=now_at)
    year = replace(base, start_date=today - timedelta(days=364))
    # One district's access with case filters set: the scope predicate's list parameters bound,
    # beside the demo scope where they are all NULL.
    narrowed = replace(base, access=Access.for_districts(("430902",), "资阳区"), kinds=("event",),
                       sources=("hotline", "app", "patrol"))
    wall = wall_scopes(now_at, Access.demo(), league_days=30)
    out: list[tuple[str, Scope, tuple]] = [("case_kpis", replace(base, access=Access()), ())]  # sees nothing
    for s in (base, narrowed):
        out += [
            ("case_kpis", s, ()), ("unit_kpis", s, ()), ("area_kpis", s, (3,)),
            ("data_years", s, ()), ("daily_trend", s, ()),
            ("area_summary", s, (1,)), ("area_summary", s, (4,)),
            ("area_shapes", s, (1,)), ("unit_league", s, (1,)),
            ("area_options", s, ()), ("unit_options", s, ()), ("category_options", s, ()), ("source_options", s, ()),
            ("case_points", s, ("accepted",)), ("case_points", s, ("overdue",)),
            ("case_hexbins", s, ("accepted", 500.0, 28.5)),
            ("top_categories", s, (5,)), ("hour_weekday", s, ()),
            ("source_mix", s, ("day",)), ("handling_time", s, ("day",)), ("party_checkin_trend", s, ("day",)),
            ("trend_series", s, ("day", "accepted")),
            ("import_ledger", s, ()),
            ("party_service_by_community", s, ()), ("party_service_by_unit", s, ()),
            ("party_pairing_scorecard", s, ()), ("party_whistles", s, ()), ("party_wishes", s, ()),
            ("party_three_lists", s, ()), ("party_supervision", s, ()), ("party_secretary_visits", s, ()),
            ("case_list", s, ("in_due_on_time", "", "deadline_at", True, 1, 50)),
            ("case_list", s, ("in_reported", "S01", "reported_at", True, 1, 20)),
            ("case_list", s, ("in_reported", "垃圾", "deadline_at", False, 1, 20)),   # no letter case: LIKE
            ("case_count", s, ("in_due_on_time", "")), ("case_count", s, ("is_overdue_open", "S01")),
            ("case_export", s, ("in_accepted", "", "reported_at", True)),
        ]
        for cid in case_ids:
            out += [("case_detail", s, (cid,)), ("case_timeline", s, (cid,))]
        for bid in batch_ids:
            out += [("import_rejects", s, (bid,)), ("import_flags", s, (bid,))]
    # 预警研判 (signals) and 预计办结
    for s in (base, narrowed):
        out += [
            ("overdue_counts", s, ("all",)), ("overdue_counts", s, ("district",)),
            ("handoff_units", s, ()), ("handoff_rates", s, ()), ("handoff_pairs", s, (20,)),
            ("recurrence_pairs", s, (30, 200.0)), ("recurrence_rates", s, ("district", 30, 200.0)),
            ("same_issue", s, (72, 2)), ("repeat_reporters", s, (2,)),
            ("anomalies", s, (8, 0.01, 3)), ("rising_categories", s, (3,)),
        ]
        for cid in case_ids:
            out.append(("recurrence_flag", s, (cid, 30, 200.0)))
        # 预警 (alert_cases, alert_whistles, anomalies, unit league) with the city's rules
        out.append(("alerts", s, (load_alerts(), load_signals())))
        # 每月一题: the running month (same-days comparison) and the month before (whole months)
        this_month = today.replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        for month in (this_month, last_month):
            topic = Topic(month=f"{month:%Y-%m}", categories=tuple(categories) or ("none",), label="golden",
                          target_fall=0.1, set_by="golden", set_at=f"{month}T00:00")
            out.append(("topic_monthly", s, (topic,)))
            out += [("topic_versus", s, (topic, by)) for by in BY]
    out += [("expected_stats", year, (now_at, 90)),
            ("expected_calibration", year, ((today - timedelta(days=180), today - timedelta(days=90)), 90, 5))]
    for grain in sorted(set(GRAINS) - {"day"}):
        out += [("trend_series", year, (grain, "accepted")), ("source_mix", year, (grain,)),
                ("handling_time", year, (grain,)), ("party_checkin_trend", year, (grain,))]
    out += [("trend_series", year, ("month", "closed")), ("trend_series", year, ("week", "filed"))]
    for sort in SORTS:
        out.append(("case_list", year, ("in_reported", "", sort, False, 1, 20)))
    for set_flag in list(list_sets()):
        out.append(("case_list", year, (set_flag, "", "reported_at", True, 1, 20)))
    out += [
        ("wall_day_pace", wall.pace, ()), ("wall_hourly", wall.hours, ()), ("wall_day_hours", wall.hours, ()),
        ("wall_hotspots", wall.today, (24, 0.01, 1)), ("wall_latest_cases", wall.today, (20,)),
        ("wall_people", wall.today, ()), ("wall_categories", wall.month, (10, 1)),
        ("wall_districts", wall.today, (1,)),
    ]
    return out


def call_key(name: str, scope: Scope, args: tuple) -> str:
    return f"{name}{args} [{scope.start_date}..{scope.end_date}, access={scope.access.districts or scope.access.all_districts}, " \
           f"kinds={scope.kinds}]"


def _normalise(value):
    """Results → comparable plain structures (DataFrame → columns of lists)."""
    if isinstance(value, pd.DataFrame):
        return {"__frame__": list(value.columns), **{c: [_scalar(v) for v in value[c].tolist()] for c in value.columns}}
    if isinstance(value, pd.Series):
        return {k: _scalar(v) for k, v in value.items()}
    if is_dataclass(value):
        return {f.name: _normalise(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    return _scalar(value)


def _scalar(v):
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_scalar(x) for x in v]
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime().replace(tzinfo=None)
    if isinstance(v, np.datetime64):
        return pd.Timestamp(v).to_pydatetime()
    if isinstance(v, date) and not isinstance(v, datetime):
        return datetime.combine(v, datetime.min.time())
    return v


def differences(a, b, path: str = "") -> list[str]:
    """Human-readable differences between two normalised results (empty when equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return [f"{path}: keys {list(a)} != {list(b)}"]
        out = []
        for k in a:
            out += differences(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} rows != {len(b)} rows"]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{path}[{i}]")
            if len(out) > 5:
                break
        return out
    if isinstance(a, bool) or isinstance(b, bool):
        return [] if a == b else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return [] if a == b else [f"{path}: {a} != {b}"]
        return [] if math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12) else [f"{path}: {a!r} != {b!r}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@dataclass
class GoldenReport:
    compared: int
    mismatches: dict[str, list[str]]
    errors: dict[str, str]
    files_covered: set[str]
    skipped: dict[str, str]       # calls that read a SKIP file: what happened, for the record

    @property
    def files_missing(self) -> list[str]:
        return [f for f in query_files() if f not in self.files_covered and f not in SKIP]


def run_golden(duck_source, ch_source, now_at: datetime, *, case_ids: list[int], batch_ids: list[int],
               categories: tuple[str, ...] = (), only: set[str] | None = None) -> GoldenReport:
    from ui.cache import QUERIES  # the dashboard's own list of queries and their functions

    duck = RecordingSource(duck_source)
    mismatches: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    compared = 0
    planned = calls(now_at, case_ids=case_ids, batch_ids=batch_ids, categories=categories)
    # A query added to ui.cache.QUERIES without a call here still runs, with the scope alone.
    named = {name for name, _, _ in planned}
    planned += [(name, planned[1][1], ()) for name in QUERIES if name not in named]
    skipped: dict[str, str] = {}
    for name, scope, args in planned:
        if only is not None and name not in only:
            continue
        key = call_key(name, scope, args)
        before = len(duck.texts)
        try:
            expected = QUERIES[name](duck, scope, *args)
        except TypeError as exc:  # a function added to QUERIES whose arguments this file does not know
            skipped[key] = f"not called (add it to calls()): {exc}"
            continue
        skip = sorted(files_run(duck.texts[before:]) & set(SKIP))
        try:
            got = QUERIES[name](ch_source, scope, *args)
        except Exception as exc:  # noqa: BLE001 - reported per call, the test fails on any
            (skipped if skip else errors)[key] = f"{type(exc).__name__}: {str(exc)[:400]}"
            continue
        compared += 1
        diff = differences(_normalise(expected), _normalise(got))
        if diff:
            (skipped if skip else mismatches)[key] = diff[:6]
    covered = files_run(duck.texts)
    # A query file no function of QUERIES reaches (another module's, or new) runs with the scope alone.
    for name in query_files():
        if name in covered or name in SKIP or (only is not None and name not in only):
            continue
        key = call_key(name, planned[1][1], ("fetch",))
        try:
            expected = fetch(duck, name, planned[1][1])
        except Exception as exc:  # noqa: BLE001 - needs parameters of its own: reported as not covered
            errors[key] = f"not reached by any call, and needs more than the scope: {type(exc).__name__}: {str(exc)[:200]}"
            continue
        try:
            got = fetch(ch_source, name, planned[1][1])
        except Exception as exc:  # noqa: BLE001
            errors[key] = f"{type(exc).__name__}: {str(exc)[:400]}"
            continue
        compared += 1
        diff = differences(_normalise(expected), _normalise(got))
        if diff:
            mismatches[key] = diff[:6]
    return GoldenReport(compared, mismatches, errors, files_run(duck.texts), skipped)


def chdb_copy_of(con) -> "ChdbSource":
    from queries.engines import ChdbSource
    source = ChdbSource()
    source.load_from(con)
    return source


def duck_source_of(con):
    """A DuckDB source over an open connection (a cursor per query, as the dashboard does)."""

    class _Source:
        version = "test"

        def cursor(self):
            return con.cursor()

    return _Source()


