"""The pairing scorecard's 应结案 counts per community from the table built at publish (community_due_daily),
exactly as party_pairing_scorecard.sql counts them from the cases (docs/performance.md section 6g).

The table holds, for every case settled at the publish day's midnight P (last_event_at < P: every
timestamp and deadline before P), its in_due / in_due_closed / in_due_on_time over an unbounded window,
on its deadline's day. For a window [s, e) seen at now, with c = least(e, now) and D = the day of c:
when D >= P such a case's deadline and closure lie before c, so its window flags are "deadline day >= s"
and its unbounded flags (the argument of queries/kpi_daily.py, restricted to the deadline's flags). So

    due counts(s, e, now) = table rows with day >= s  +  case_facts over last_event_at >= P (the real window)

and the two parts never hold the same case. The scorecard file adds the first part when asked
(`$from_community_due_daily`) and reads case_facts from `$span_start` = P. Taken when the table was
built under the scope's KPI rules (it is built with kpi_daily, meta kpi_daily_rules, for P = meta
kpi_daily_unsettled_day), s < P <= D, no filter the table lacks (grids, kinds, majors, categories,
sources) and a DuckDB source; otherwise the file reads every case of the window, as before.
tests/test_community_due_daily.py compares both over random selections.
"""
from __future__ import annotations

from datetime import datetime, time

import pandas as pd

from queries import kpi_daily
from queries.runner import CursorSource, fetch
from queries.scope import Scope

# Filters community_due_daily cannot apply (it holds district, street, community and unit codes).
TABLE_LACKS = ("grids", "kinds", "majors", "categories", "sources")


def settled_before(source: CursorSource, scope: Scope) -> datetime | None:
    """P (midnight) when the table answers this selection exactly (module doc), else None."""
    if (any(getattr(scope, f) is not None for f in TABLE_LACKS) or scope.access.sees_nothing
            or not kpi_daily.is_duckdb(source)):
        return None
    built, day = kpi_daily.built_state(source, scope)
    if not built or day is None or not scope.start_date < day <= kpi_daily.settled_day(scope):
        return None
    return datetime.combine(day, time())


def pairing_scorecard(source: CursorSource, scope: Scope) -> pd.DataFrame:
    """party_pairing_scorecard.sql's frame, its due counts from community_due_daily where that is exact."""
    at = settled_before(source, scope)
    if at is None:
        return fetch(source, "party_pairing_scorecard", scope, from_community_due_daily=False)
    return fetch(source, "party_pairing_scorecard", scope, from_community_due_daily=True, span_start=at)
