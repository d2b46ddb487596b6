"""趋势's counts of accepted cases built at publish (table accepted_daily): the same frames as the case
queries, exactly, without reading every accepted case of a long window (docs/performance.md 6h).

case_facts.in_accepted is "accepted_at in [start, end)" and, under the KPI rules, "not cancelled": no
window end and no clock enter it. So the accepted cases of any window of whole days are those whose
acceptance day lies in it, and a count of them by source, by (kind, 小类) or by the weekday and hour of
the report is a sum of per-day counts. The publish (data.store.refresh_accepted_daily) stores those per
day and district, for cities of data.store.kpi_daily_min_cases() cases or more, with the KPI rules it
used (meta accepted_daily_rules). source_mix.sql, hour_weekday.sql and top_categories.sql read it
(`$from_accepted_daily`) when the selection is one it holds: a whole-city or district grant (no streets,
no units), no filter but districts, the rules it was built with, a DuckDB source. Anything else runs
the case branch of the same file, unchanged. tests/test_accepted_daily.py compares both branches.

trend_series.sql reads kpi_daily the same way (its accepted / filed / closed counts per day are time-free
flags too, and kpi_daily holds streets and units, so every grant and the district, street and unit
filters): `trend_counts_from_kpi_daily`. kpi_counts' time-free counts for the whole selection (趋势's
cards: 本期, 上期, 去年同期) are sums of kpi_daily over the window's days: `time_free_counts`.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from queries import kpi_daily, snapshot_facts
from queries.runner import CursorSource, fetch
from queries.scope import Scope


def build(con: duckdb.DuckDBPyConnection, rules: Scope) -> tuple[str, int]:
    """Rebuilds accepted_daily on the writers' connection for the KPI rules of `rules` (a Scope carrying
    the city's rules); returns (rules key for meta accepted_daily_rules, rows). The caller removes the
    meta key first and sets it after, so a failed build leaves the case queries in use."""
    scope = kpi_daily.publish_scope(rules)
    kpi_daily.refill(con, "accepted_daily", "accepted_daily_build", scope)
    return kpi_daily.rules_key(scope), con.execute("SELECT count(*) FROM accepted_daily").fetchone()[0]


def holds(scope: Scope) -> bool:
    """accepted_daily can answer this selection: it holds each count's district only (the source and the
    rules are checked by `answers`)."""
    return kpi_daily.district_grain(scope)


def answers(source: CursorSource, scope: Scope) -> bool:
    """source_mix / hour_weekday / top_categories of this selection may read accepted_daily: it holds the
    selection, the source is DuckDB, and the table was built under the scope's KPI rules (one ~1 ms query;
    a city below the build threshold has no rules key, and every view takes the case branch)."""
    if not holds(scope) or not kpi_daily.is_duckdb(source):
        return False
    return snapshot_facts.row(source, "accepted_daily_rules", scope, fetch)["rules"] == kpi_daily.rules_key(scope)


def trend_counts_from_kpi_daily(source: CursorSource, scope: Scope) -> bool:
    """trend_series of this selection may read its counts per day from kpi_daily: no filter kpi_daily lacks,
    a DuckDB source, kpi_daily built under the scope's KPI rules."""
    return (all(getattr(scope, f) is None for f in kpi_daily.CASE_ONLY_FILTERS) and not scope.access.sees_nothing
            and kpi_daily.is_duckdb(source) and kpi_daily.built_state(source, scope)[0])


# kpi_counts' counts whose flag is "the anchor in [start, end)" and attributes of the case only: none
# reads now or least(end, now) (case_facts, _scoped.sql), so kpi_daily's unbounded counts summed over the
# window's days are the window's, for any window and clock.
TIME_FREE_COUNTS = (
    "accepted_count", "accepted_on_time_count", "filed_count", "filed_on_time_count", "filed_public_count",
    "dispatched_count", "dispatched_on_time_count", "dispatched_accurate_count", "closed_count",
    "closed_timed_count", "handled_count", "verified_count", "verified_on_time_count", "callback_count",
    "satisfied_count",
)


def time_free_counts(source: CursorSource, scope: Scope, columns: tuple[str, ...]) -> pd.DataFrame | None:
    """kpi_counts.sql's frame for by='all' and `columns` (group columns first, as kpi_counts passes them)
    when every count asked is time-free, from kpi_daily's days of the window; None when the case path
    must answer: another count, a filter kpi_daily lacks, no kpi_daily under these rules, ClickHouse — or
    every count 0, where only the cases tell whether kpi_counts lists the selection's row (it does when a
    case of the scope has any timestamp in the window). A count above 0 means a case accepted (filed, ...)
    in the window: then the row is listed, so the frame is the case path's."""
    counts = tuple(c for c in columns if c not in kpi_daily.GROUP_COLUMNS)
    if (not counts or any(c not in TIME_FREE_COUNTS for c in counts)
            or any(getattr(scope, f) is not None for f in kpi_daily.CASE_ONLY_FILTERS)
            or scope.access.sees_nothing or not kpi_daily.is_duckdb(source)
            or not kpi_daily.built_state(source, scope)[0]):
        return None
    frame = fetch(source, "kpi_daily_sums", scope, columns=tuple(columns))
    if not (frame[list(counts)] > 0).any(axis=None):
        return None
    return frame
