"""The pre-aggregated path of kpi_counts: the same numbers, exactly, without evaluating every flag of
every case in a long window (docs/performance.md section 5).

Windows are whole days: [s, e) with s, e at midnight. Let c = least(e, now) and D = midnight of c's day.
A case whose every timestamp and deadline lies before D (last_event_at < D: "settled" for this query)
has each flag of case_facts equal to "its anchor (the timestamp or deadline that must lie in the
window) is on or after s" AND the same flag over an unbounded window (s = -inf, e = now = +inf),
because every "before c" condition then holds for any timestamp it has and the pending flags, which
need a deadline at or after now, are false. So, per group, exactly:

    kpi_counts(s, e, now) = A - B + C
    A = kpi_daily over days [s, D): the unbounded-window flags of every case, each on its anchor's day
    B = the same counts, computed now, for the cases not settled (first_event_at < D <= last_event_at)
    C = kpi_counts over the cases not settled (last_event_at >= D), with the real window

A is built at publish (`build`, from case_anchor_counts in _scoped.sql, so the flags keep their single
definition in case_facts); B and C read only the few cases that straddle D. B depends on D only, and
for most views D is today (a running window): the publish also builds B for D = the publish day
(kpi_daily_unsettled), so on that day a running window reads kpi_daily, that small table, and C.
On another day (after midnight, before the next publish) or for a window ended earlier (上月), B is
computed from the cases as before, or, for a short window, the case path is taken (`preferred`). kpi_daily holds districts,
streets and units: any other filter or grouping, a rule setting other than the one it was built with,
or a ClickHouse engine takes the case path. Durations (medians, P90) are not sums: they come by rank
from case_durations / case_duration_days, built with kpi_daily (`ranked_quantiles`: the whole city or a
district grant, all or by district), or from the cases through kpi_durations.sql (the same values,
without kpi_counts' counts).
tests/test_kpi_daily.py compares both paths over random selections.
"""
from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date, datetime, time
from fractions import Fraction

import duckdb
import numpy as np
import pandas as pd

from queries import snapshot_facts
from queries.runner import CursorSource, compose, fetch, parameters
from queries.scope import Access, Scope

# Far enough apart that every timestamp of the data lies between; now = end, so "by period end" is
# "ever" and the pending flags (which need end > now) are false.
UNBOUNDED_START = datetime(1, 1, 1)
UNBOUNDED_END = datetime(9999, 12, 31)
# Groupings kpi_daily holds (kpi_counts' others, community and grid, take the case path).
GROUPS = ("all", "unit", "district", "street")
# Filters kpi_daily cannot apply (it is grouped by district, street and unit only).
CASE_ONLY_FILTERS = ("communities", "grids", "kinds", "majors", "categories", "sources")
# Statistics of kpi_counts that are not sums: computed on the case path when asked for.
DURATION_COLUMNS = ("handle_hours_median", "handle_hours_p90", "close_hours_median", "close_hours_p90")
# kpi_daily's presence count: cases on the day of their last_event_at (> 0: the group has a case in
# the window, as kpi_counts lists every group with a case in case_facts, even with zero counts).
PRESENCE = "case_count"
VALID = "kpi_daily_valid"   # kpi_daily_counts*.sql: kpi_daily was built with the scope's KPI rules (and B for D)
# Every column of kpi_counts.sql in its order (tests/test_kpi_daily.py checks it against the file).
KPI_COUNTS_COLUMNS = (
    "group_code", "accepted_count", "accepted_on_time_count", "filed_count", "filed_on_time_count",
    "filed_public_count", "dispatched_count", "dispatched_on_time_count", "dispatched_accurate_count",
    "due_count", "due_deferred_count", "due_closed_count", "due_on_time_count", "due_first_time_count",
    "due_rework_count", "due_extended_count", "closed_count", "disposal_den", "disposal_num",
    "disposal_pending_count", "handle_due_count", "handled_on_time_count", "handle_due_handled_count",
    "handle_pending_count", "handled_count", "handle_hours_median", "handle_hours_p90", "closed_timed_count",
    "close_hours_median", "close_hours_p90", "verified_count", "verified_on_time_count", "callback_count",
    "satisfied_count", "name", "peer_group", "parent_code", "population",
)
GROUP_COLUMNS = ("group_code", "name", "peer_group", "parent_code", "population")
COUNT_COLUMNS = tuple(c for c in KPI_COUNTS_COLUMNS if c not in GROUP_COLUMNS and c not in DURATION_COLUMNS)


def rules_key(scope: Scope) -> str:
    """The KPI rules of city.toml [kpi] a scope carries, as text: kpi_daily is valid for these only."""
    return json.dumps({"exclude_cancelled": scope.exclude_cancelled, "exclude_shelved": scope.exclude_shelved,
                       "exclude_shelved_due": scope.exclude_shelved_due, "exclude_deferred": scope.exclude_deferred,
                       "satisfied_min": scope.satisfied_min, "public_sources": sorted(scope.public_sources)},
                      sort_keys=True)


def unbounded_params() -> dict:
    """Window parameters that make case_facts' flags the unbounded-window flags (see module doc)."""
    return {"start": UNBOUNDED_START, "end": UNBOUNDED_END, "now": UNBOUNDED_END,
            "span_start": UNBOUNDED_START, "span_end": UNBOUNDED_END}


def publish_scope(rules: Scope) -> Scope:
    """What every table built at publish counts: the whole city, no filter, the unbounded window, under the
    KPI rules of `rules` (a Scope carrying the city's rules)."""
    return replace(rules, start_date=UNBOUNDED_START.date(), end_date=UNBOUNDED_END.date(),
                   now_at=UNBOUNDED_END, access=Access.city("publish"), districts=None, streets=None,
                   communities=None, grids=None, kinds=None, majors=None, categories=None, sources=None,
                   units=None)


# Each table a build at publish fills: its DELETE and its INSERT head (constant SQL text only).
_REFILLS = {
    "kpi_daily": ("DELETE FROM kpi_daily", "INSERT INTO kpi_daily BY NAME "),
    "kpi_daily_unsettled": ("DELETE FROM kpi_daily_unsettled", "INSERT INTO kpi_daily_unsettled BY NAME "),
    "case_durations": ("DELETE FROM case_durations", "INSERT INTO case_durations BY NAME "),
    "case_duration_days": ("DELETE FROM case_duration_days", "INSERT INTO case_duration_days BY NAME "),
    "accepted_daily": ("DELETE FROM accepted_daily", "INSERT INTO accepted_daily BY NAME "),
    "community_due_daily": ("DELETE FROM community_due_daily", "INSERT INTO community_due_daily BY NAME "),
    "anomaly_daily": ("DELETE FROM anomaly_daily", "INSERT INTO anomaly_daily BY NAME "),
}


def refill(con: duckdb.DuckDBPyConnection, table: str, query: str, scope: Scope, **span) -> None:
    """Empties `table` (a key of _REFILLS) and fills it with query file `query` composed with the scope
    prefix, bound to `scope`'s parameters and the unbounded window's (`span` overriding its bounds)."""
    delete, insert = _REFILLS[table]
    body = compose(query).rstrip().removesuffix(";")
    used = parameters(body)
    con.execute(delete)
    con.execute(insert + body, {k: v for k, v in (scope.params() | unbounded_params() | span).items() if k in used})


def build(con: duckdb.DuckDBPyConnection, rules: Scope, unsettled_day: date) -> tuple[str, int]:
    """Rebuilds kpi_daily on the writers' connection for the KPI rules of `rules` (a Scope carrying
    the city's rules), kpi_daily_unsettled (B) for D = `unsettled_day` (the publish day) and
    community_due_daily (the cases settled at that day's midnight); returns
    (rules key to store in meta as kpi_daily_rules, rows of kpi_daily). The caller deletes the meta
    keys first and sets them after (kpi_daily_unsettled_day = `unsettled_day`), so a failed build
    leaves the case path in use."""
    scope = publish_scope(rules)
    # kpi_daily over the unbounded span, then B at D = unsettled_day into kpi_daily_unsettled: the cases
    # with first_event_at < D <= last_event_at (kpi_daily_counts.sql computes it so, with these span
    # bounds, when D is another day).
    at = datetime.combine(unsettled_day, time())
    refill(con, "kpi_daily", "kpi_daily_build", scope)
    rows = con.execute("SELECT count(*) FROM kpi_daily").fetchone()[0]
    refill(con, "kpi_daily_unsettled", "kpi_daily_build", scope, span_start=at, span_end=at)
    # The pairing scorecard's due counts of the cases settled at D (queries/community_due_daily.py).
    refill(con, "community_due_daily", "community_due_daily_build", scope, settled_before=at)
    # The timed cases of the durations by rank (duration_quantiles), under the same rules and meta key:
    # case_durations first, then its counts per day and district.
    refill(con, "case_durations", "kpi_durations_build", scope)
    refill(con, "case_duration_days", "kpi_duration_days_build", scope)
    return rules_key(scope), rows


def settled_day(scope: Scope) -> date:
    """D: the day of least(window end, now). Every case with all its timestamps before it is settled."""
    end_at = datetime.combine(scope.end_date, time())
    return min(end_at, scope.now_at).date()


def applies(scope: Scope, by: str) -> bool:
    """kpi_daily can answer this selection (the grouping and filters it holds, a window that has days
    before D); the rules and the engine are checked against the source (`aggregate_counts`)."""
    return (by in GROUPS and all(getattr(scope, f) is None for f in CASE_ONLY_FILTERS)
            and settled_day(scope) > scope.start_date and not scope.access.sees_nothing)


# The aggregate path pays a fixed cost — reading the row groups of the cases not settled twice (B and
# C) — that a short window's case path does not: at 10M cases it was slower for 近30天, 本月 and 上月
# (0.4–0.7 s CPU against 0.1–0.4 s) and ten times faster for 两年 (0.43 s against 4.1 s, counts only;
# benchmarks/bench_kpi_daily.py). kpi_counts therefore uses it when more than this many days of the
# window lie before D; quarters and shorter keep the case path.
MIN_SETTLED_DAYS = 92


def preferred(scope: Scope) -> bool:
    """The aggregate path is expected to be faster for this window even when B must be computed from
    the cases (MIN_SETTLED_DAYS)."""
    return (settled_day(scope) - scope.start_date).days > MIN_SETTLED_DAYS


# With B precomputed (a running window on the publish day) the aggregate path's counts cost about the
# same for any window: kpi_daily, kpi_daily_unsettled and C, 0.08–0.09 s CPU at 10M (bare scan of five
# columns 0.12 s), against a case path that grows with the window: 0.087 s for 近7天, 0.122 s for 近14天,
# 0.195 s for 近30天 (city; docs/performance.md section 5). Windows with more settled days than this
# take it for counts.
MIN_SETTLED_DAYS_PRECOMPUTED_B = 7
# Durations (medians, P90) add a case-level query of the window per measure (kpi_durations.sql: 处置时长,
# 结案时长), ~0.05 s CPU each for 30 days at 10M, while the case path's cost grows with the counts
# asked (each is a flag of every case of the window). Measured at 10M, 近30天, CPU, aggregate against
# case path: 总览's cards (14 counts, one measure) 0.16 against 0.20 s for the city, 0.13 against 0.11 s
# for a district; every column (27 counts, two measures) 0.25–0.27 against 0.39–0.43 s by any grouping;
# 3 counts and two measures 0.18–0.20 against 0.12–0.14 s; 7–13 days, the cards: 0.11–0.14 against
# 0.06–0.13 s (docs/performance.md section 5c). So a running window asking for durations takes it from
# 近30天 on (more settled days than this), when it asks for at least COUNTS_PER_MEASURE counts per measure.
MIN_SETTLED_DAYS_PRECOMPUTED_B_DURATIONS = 28
COUNTS_PER_MEASURE = 6


def candidate(scope: Scope, columns: tuple[str, ...] | None = None) -> bool:
    """Worth asking the aggregate path for `columns` (None: all): a long window (`preferred`), or a
    running one (D = today) with more than MIN_SETTLED_DAYS_PRECOMPUTED_B settled days — with duration
    columns, more than MIN_SETTLED_DAYS_PRECOMPUTED_B_DURATIONS and at least COUNTS_PER_MEASURE counts
    per duration measure asked — faster there when B is precomputed for today: `aggregate_counts(...,
    compute_b=preferred(scope))` declines otherwise."""
    if preferred(scope):
        return True
    day_to = settled_day(scope)
    asked = KPI_COUNTS_COLUMNS if columns is None else columns
    measures = sum(any(c in asked for c in pair) for pair in DURATION_MEASURES.values())
    counts = sum(c in COUNT_COLUMNS for c in asked)
    least = MIN_SETTLED_DAYS_PRECOMPUTED_B_DURATIONS if measures else MIN_SETTLED_DAYS_PRECOMPUTED_B
    return (day_to == scope.now_at.date() and (day_to - scope.start_date).days > least
            and counts >= COUNTS_PER_MEASURE * measures)


def is_duckdb(source: CursorSource) -> bool:
    """ClickHouse engines (queries/engines.py) hold no kpi_daily reader: they take the case path."""
    cur = source.cursor()
    try:
        return isinstance(cur, duckdb.DuckDBPyConnection)
    finally:
        cur.close()


def built_state(source: CursorSource, scope: Scope) -> tuple[bool, date | None]:
    """(kpi_daily holds the snapshot's counts under the scope's KPI rules, the day D kpi_daily_unsettled
    holds B for or None). Asked apart because a city below the build threshold
    (data.store.KPI_DAILY_MIN_CASES: the demo city, most real ones) has no kpi_daily, and
    kpi_daily_counts' own validity column cost ~50–80 ms of planning per long-window first view there
    before the case path ran anyway; this costs ~1 ms, and tells which B to use before the aggregate
    query. kpi_daily_counts still checks the rules itself, on the same pinned snapshot."""
    row = snapshot_facts.row(source, "kpi_daily_rules", scope, fetch)
    day = None if pd.isna(row["unsettled_day"]) else pd.Timestamp(row["unsettled_day"]).date()
    return row["rules"] == rules_key(scope), day


def aggregate_counts(source: CursorSource, scope: Scope, by: str,
                     columns: tuple[str, ...] | None = None, *, compute_b: bool = True) -> pd.DataFrame | None:
    """kpi_counts.sql's result (all columns, or `columns` in that order) by A - B + C (module doc), or
    None when this selection must take the case path — or, with `compute_b=False`, when B is not
    precomputed for this window's D (the caller then finds the case path faster): B is used from
    kpi_daily_unsettled for a running window (D = the day of now) when it was built for that day."""
    wanted = KPI_COUNTS_COLUMNS if columns is None else tuple(columns)
    counts = tuple(c for c in wanted if c in COUNT_COLUMNS)
    if not counts or not applies(scope, by) or not is_duckdb(source):
        return None
    built, unsettled_day = built_state(source, scope)
    if not built:
        return None
    day_to = settled_day(scope)
    at = datetime.combine(day_to, time())

    def a_minus_b(precomputed_b: bool) -> pd.DataFrame:
        # B from kpi_daily_unsettled (built for D): a query that plans no case relation (at 10M its
        # planning alone was ~0.02 s of the 0.03 s the former single file took with an empty B branch
        # over the cases); or B from the cases.
        asked = {"columns": GROUP_COLUMNS + counts + (PRESENCE, VALID), "by": by, "day_from": scope.start_date,
                 "day_to": day_to, "kpi_rules": rules_key(scope)}
        if precomputed_b:
            return fetch(source, "kpi_daily_counts_precomputed", scope, **asked)
        return fetch(source, "kpi_daily_counts", scope, **asked,
                     **(unbounded_params() | {"span_start": at, "span_end": at}))

    # B from kpi_daily_unsettled (no case read for it) for a running window (D = the day of now) when it
    # was built for D; else from the cases. (An ended window whose D happens to be the publish day
    # computes it too: it asks for D < today, seldom the publish day.)
    precomputed = day_to == scope.now_at.date() and unsettled_day == day_to
    if not precomputed and not compute_b:
        return None
    settled = a_minus_b(precomputed_b=precomputed)
    if settled.empty or not settled[VALID].iloc[0]:   # not built, or built under other KPI rules
        return None
    settled = settled.drop(columns=VALID).dropna(subset=["group_code"])
    recent = fetch(source, "kpi_counts", scope, columns=GROUP_COLUMNS + counts, by=by,
                   span_start=datetime.combine(day_to, time()))
    settled = settled[settled[PRESENCE] > 0].drop(columns=PRESENCE)
    parts = [f.astype(object) for f in (settled, recent) if not f.empty]
    if parts:
        both = pd.concat(parts, ignore_index=True)
        names = both[list(GROUP_COLUMNS)].drop_duplicates("group_code")
        sums = both.groupby("group_code", sort=False)[list(counts)].sum().reset_index()
        out = names.merge(sums, on="group_code").sort_values("group_code", ignore_index=True)
    else:
        out = recent
    durations = tuple(c for c in wanted if c in DURATION_COLUMNS)
    if durations:   # built_state held: case_durations was built with kpi_daily under these rules
        out = out.merge(duration_quantiles(source, scope, by, durations, ranked=True), on="group_code", how="left")
    return _typed_as_duckdb(out[list(wanted)].reset_index(drop=True), counts, durations)


def ranked_durations_counts(source: CursorSource, scope: Scope, by: str,
                            columns: tuple[str, ...] | None = None) -> pd.DataFrame | None:
    """kpi_counts.sql's result (all columns, or `columns` in that order) with the counts from kpi_counts.sql
    and the durations by rank (`ranked_quantiles`), or None when no duration is asked or the rank tables
    cannot answer (`ranks_apply`, the rules they were built with, the engine). For the case path: there
    each median and P90 is a sort of the window's timed cases inside the FILTER aggregates; at 10M cases
    总览's previous-period cards for 近30天 (12 counts, one median) cost most of their time in it
    (docs/performance.md section 5c), while the rank tables read a few buckets. A window's timed cases
    depend on its days only (`ranked_quantiles`), so any window, running or ended, is exact."""
    wanted = KPI_COUNTS_COLUMNS if columns is None else tuple(columns)
    durations = tuple(c for c in wanted if c in DURATION_COLUMNS)
    if (not durations or not ranks_apply(scope, by) or scope.access.sees_nothing or not is_duckdb(source)
            or not built_state(source, scope)[0]):
        return None
    counts = tuple(c for c in wanted if c in COUNT_COLUMNS)
    out = fetch(source, "kpi_counts", scope, columns=GROUP_COLUMNS + counts, by=by)
    out = out.astype({"group_code": object}).merge(duration_quantiles(source, scope, by, durations, ranked=True),
                                                   on="group_code", how="left")
    return _typed_as_duckdb(out[list(wanted)].reset_index(drop=True), counts, durations)


def daily_trend(source: CursorSource, scope: Scope) -> pd.DataFrame | None:
    """daily_trend.sql's result from kpi_daily (kpi_daily_trend.sql), or None when the case path must
    answer: a filter kpi_daily lacks, KPI rules other than those it was built with or not excluding
    cancelled cases (its counts then include them), a ClickHouse engine, no kpi_daily. Accepted and
    closed per day have time-free flags, so any window is exact without B or C: at 10M cases it
    replaces a read of the window's cases (0.03 s CPU for 近30天, 0.16 s for 去年, 0.25 s for 两年) by
    0.01–0.015 s (docs/performance.md section 5c)."""
    if (not scope.exclude_cancelled or any(getattr(scope, f) is not None for f in CASE_ONLY_FILTERS)
            or not is_duckdb(source) or not built_state(source, scope)[0]):
        return None
    days = fetch(source, "kpi_daily_trend", scope, kpi_rules=rules_key(scope))
    if not days[VALID].all():
        return None
    return days.drop(columns=VALID)


# kpi_durations.sql's $measure -> the kpi_counts.sql columns it gives (median, P90): a dict of
# allowed values, never user text.
DURATION_MEASURES = {"handle": ("handle_hours_median", "handle_hours_p90"),
                     "close": ("close_hours_median", "close_hours_p90")}


def duration_quantiles(source: CursorSource, scope: Scope, by: str, columns: tuple[str, ...], *,
                       ranked: bool = False) -> pd.DataFrame:
    """group_code + `columns` (of DURATION_COLUMNS): kpi_counts.sql's values for them, one measure at a
    time. With `ranked` (the caller checked that case_durations was built under the scope's rules) and a
    selection the rank tables answer (`ranks_apply`), from them (`ranked_quantiles`); otherwise from
    kpi_durations.sql, which at 10M cases over two years cost 0.40 s of CPU per measure against 0.60 s
    for the same two columns through kpi_counts.sql (FILTER aggregates, one sort per quantile): both
    quantiles come from one sort, and only the measure's own rows reach the aggregate. A group without a
    timed case has no row (NULL after the caller's merge, as in kpi_counts.sql)."""
    out = pd.DataFrame({"group_code": pd.Series(dtype=object)})
    for measure, (median, p90) in DURATION_MEASURES.items():
        asked = [c for c in (median, p90) if c in columns]
        if not asked:
            continue
        if ranked and ranks_apply(scope, by):
            timed = ranked_quantiles(source, scope, by, measure)
        else:
            timed = fetch(source, "kpi_durations", scope, by=by, measure=measure)
        timed = timed.rename(columns={"hours_median": median, "hours_p90": p90})
        out = out.merge(timed[["group_code", *asked]].astype({"group_code": object}), on="group_code", how="outer")
    return out


# The rank tables (case_durations, case_duration_days: data/schema.sql) answer these groupings, for the
# whole city or a district grant, filtered by district at most (case_duration_days holds no other code).
# Any window: at 10M cases they measured 3–5× less CPU than kpi_durations.sql for 近30天 and 8–20× for
# two years (benchmarks/bench_duration_ranks.py, docs/performance.md section 5b).
RANKED_GROUPS = ("all", "district")
QUANTILES = (0.5, 0.9)   # kpi_durations.sql's list: median, P90


def ranks_apply(scope: Scope, by: str) -> bool:
    """case_duration_days can count this selection's timed cases (see RANKED_GROUPS)."""
    return by in RANKED_GROUPS and district_grain(scope)


def district_grain(scope: Scope) -> bool:
    """The selection is whole districts: the city or a district grant (no streets, no units) and no filter
    but districts — what a table holding only each case's district answers (case_duration_days,
    accepted_daily)."""
    access = scope.access
    return ((access.all_districts or bool(access.districts)) and not access.streets and not access.units
            and scope.streets is None and scope.units is None
            and all(getattr(scope, f) is None for f in CASE_ONLY_FILTERS))


def duration_counts(source: CursorSource, scope: Scope, by: str, measure: str, grain: str = "day") -> pd.DataFrame:
    """kpi_duration_counts.sql's frame (group_code, bucket, case_count; sorted) for the scope's days."""
    return fetch(source, "kpi_duration_counts", scope, by=by, grain=grain, measure=measure,
                 day_from=scope.start_date, day_to=scope.end_date)


def window_counts(period_counts: pd.DataFrame) -> pd.DataFrame:
    """duration_counts' frame by 'all' from its frame by 'period' of the same window, measure and scope: the
    periods (date_trunc of each day) partition the window's days, so each bucket's count for the window is
    the sum of its periods' (one query fewer for 趋势's 处置时长)."""
    total = period_counts.groupby("bucket", sort=True, as_index=False)["case_count"].sum()
    total.insert(0, "group_code", pd.Series("all", index=total.index, dtype=period_counts["group_code"].dtype))
    return total


def ranked_quantiles(source: CursorSource, scope: Scope, by: str, measure: str, *, grain: str = "day",
                     counted: bool = False, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """kpi_durations.sql's frame (group_code, hours_median, hours_p90) for one measure, by rank: a case's
    flag (in_handled, in_closed) is its anchor day in the window and the same flag over an unbounded
    window (nothing else of the window or the clock), so a window's timed cases are case_durations'
    rows of its days. Counts per bucket (case_duration_days) locate, per group, the buckets holding the
    ranks floor((n-1)q) and ceil((n-1)q); only those buckets' values are read (kpi_duration_values.sql),
    and the two order statistics are interpolated as DuckDB's quantile_cont does (`_interpolate`).
    by='period': the groups are the `grain` buckets of the anchor day (group_code 'YYYY-MM-DD', the
    bucket's first day: date_trunc); `counted` adds timed_count (n, BIGINT) after group_code. `counts`:
    duration_counts' frame for this by, measure and grain when the caller holds it (window_counts)."""
    window = {"by": by, "grain": grain, "measure": measure, "day_from": scope.start_date,
              "day_to": scope.end_date}
    if counts is None:
        counts = duration_counts(source, scope, by, measure, grain)
    # Per group: n, and for each quantile the ranks (lo, hi) with the bucket holding each and the
    # count of the group's values in earlier buckets.
    picks: dict[str, list[tuple[float, list[tuple[int, int, int]]]]] = {}
    sizes: dict[str, int] = {}
    for group, rows in counts.groupby("group_code", sort=True):
        buckets = rows["bucket"].to_numpy()
        ends = rows["case_count"].to_numpy().cumsum()
        n = sizes[group] = int(ends[-1])
        picks[group] = []
        for q in QUANTILES:
            rn = (n - 1) * q
            ranks = []
            for k in (math.floor(rn), math.ceil(rn)):
                i = int(np.searchsorted(ends, k, side="right"))   # first bucket ending after rank k
                ranks.append((k, int(buckets[i]), int(ends[i - 1]) if i else 0))
            picks[group].append((rn, ranks))
    names = ["group_code", *(["timed_count"] if counted else []), "hours_median", "hours_p90"]
    types = {"timed_count": "int64", "hours_median": "float64", "hours_p90": "float64"}
    if not picks:
        return pd.DataFrame({c: pd.Series(dtype=types.get(c, str)) for c in names})
    # Only the (group, bucket) pairs holding a wanted rank: by 'period' a bucket wanted by one month is not
    # read for the others (10M cases, two years by month: 950 (month, bucket) lists → 50). One read of the
    # wanted buckets' range: split into runs of nearby buckets (session 6) it cost 7 reads for 近30天 by day
    # and measured no faster for two years (docs/performance.md 6h, session 8).
    pairs = sorted({(b, g) for g, quantiles in picks.items() for _, ranks in quantiles for _, b, _ in ranks})
    values = fetch(source, "kpi_duration_values", scope, pair_groups=[g for _, g in pairs],
                   pair_buckets=[b for b, _ in pairs], bucket_min=pairs[0][0], bucket_max=pairs[-1][0], **window)
    sorted_hours = {(g, int(b)): h for g, b, h in zip(values["group_code"], values["bucket"], values["hours"])}
    out = []
    for group, quantiles in picks.items():
        row = [group, *([sizes[group]] if counted else [])]
        for rn, ranks in quantiles:
            (k_lo, b_lo, before_lo), (k_hi, b_hi, before_hi) = ranks
            lo = float(sorted_hours[(group, b_lo)][k_lo - before_lo])
            hi = float(sorted_hours[(group, b_hi)][k_hi - before_hi])
            row.append(_interpolate(lo, hi, rn))
        out.append(row)
    return pd.DataFrame(out, columns=names).astype({c: types[c] for c in names[1:]})


def _interpolate(lo: float, hi: float, rn: float) -> float:
    """quantile_cont's value between the order statistics lo (rank floor(rn)) and hi (rank ceil(rn)),
    bit for bit as this DuckDB build computes it: lo when rn is whole, else lo·(1−d) + hi·d with d = rn −
    floor(rn), the first product fused into the sum (one rounding: fma(lo, 1−d, hi·d)). Found on random
    lists (6,000 quantiles, every other reading of the formula differed on some); tests/test_kpi_durations.py
    compares this path with kpi_durations.sql exactly, so a DuckDB that computes otherwise fails there."""
    if math.floor(rn) == math.ceil(rn):
        return lo
    d = rn - math.floor(rn)
    return float(Fraction(lo) * Fraction(1.0 - d) + Fraction(hi * d))   # exact, then one rounding


def _typed_as_duckdb(frame: pd.DataFrame, counts: tuple[str, ...], durations: tuple[str, ...]) -> pd.DataFrame:
    """The pandas types DuckDB's .df() gives kpi_counts.sql's columns, so both paths return identical
    frames: BIGINT int64, DOUBLE float64, INTEGER int32 (Int32 when a value is NULL), VARCHAR str
    (object when every value is NULL)."""
    types = {c: "int64" for c in counts} | {c: "float64" for c in durations}
    for c in ("group_code", "name", "peer_group", "parent_code"):
        if c in frame.columns:
            types[c] = "str" if frame[c].notna().any() else object
    if "population" in frame.columns:
        types["population"] = "Int32" if frame["population"].isna().any() else "int32"
    return frame.astype(types)
