"""Typed functions over the people-stream query files (党建引领: pairings, check-ins, service,
whistles, micro-wishes, three lists, supervision, first secretaries). No streamlit here.

Every relation comes through _scoped.sql (scoped_pairings, scoped_checkins, ...), so access and
the area filters apply; people's names arrive masked (王*) from scoped_people.
"""
from __future__ import annotations

import pandas as pd

from queries import community_due_daily
from queries.runner import CursorSource, fetch
from queries.scope import Scope
from queries.trends import GRAINS  # the people trends bucket time as the case trends do


def checkin_trend(source: CursorSource, scope: Scope, grain: str) -> pd.DataFrame:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {list(GRAINS)}")
    return fetch(source, "party_checkin_trend", scope, grain=grain)


def service_by_community(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "party_service_by_community", scope)


def service_by_unit(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "party_service_by_unit", scope)


def pairing_scorecard(source: CursorSource, scope: Scope) -> pd.DataFrame:
    # the due counts of the cases settled at publish come from the table built then, where exact
    return community_due_daily.pairing_scorecard(source, scope)


def whistles(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "party_whistles", scope)


def wishes(source: CursorSource, scope: Scope) -> pd.Series:
    return fetch(source, "party_wishes", scope).iloc[0]


def three_lists(source: CursorSource, scope: Scope) -> pd.Series:
    return fetch(source, "party_three_lists", scope).iloc[0]


def supervision(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "party_supervision", scope)


def secretary_visits(source: CursorSource, scope: Scope) -> pd.DataFrame:
    return fetch(source, "party_secretary_visits", scope)


def secretary_summary(visits: pd.DataFrame) -> pd.DataFrame:
    """One row per first secretary's pairing: visits per month (columns 'YYYY年MM月'), the complete
    months judged, the months missed (no visit in a complete month), and the missed month names."""
    keys = ["pairing_id", "unit_name", "community_name", "secretary_name_masked"]
    if visits.empty:
        return pd.DataFrame(columns=keys + ["judged_months", "missed_months", "missed_month_names"])
    v = visits.assign(month=pd.to_datetime(visits.month_date).dt.strftime("%Y年%m月"))
    complete = v[v.is_complete]
    judged = complete.groupby("pairing_id").size().rename("judged_months")
    missed_rows = complete[complete.visit_count == 0]
    missed = missed_rows.groupby("pairing_id").size().rename("missed_months")
    names = missed_rows.groupby("pairing_id").month.agg("、".join).rename("missed_month_names")
    wide = v.pivot_table(index=keys, columns="month", values="visit_count", aggfunc="sum", fill_value=0)
    wide.columns.name = None
    out = wide.reset_index().set_index("pairing_id")
    out = out.join(judged).join(missed).join(names)
    out["judged_months"] = out.judged_months.fillna(0).astype(int)
    out["missed_months"] = out.missed_months.fillna(0).astype(int)
    out["missed_month_names"] = out.missed_month_names.fillna("")
    return out.reset_index().sort_values(["missed_months", "unit_name"], ascending=[False, True], ignore_index=True)


def headline(trend: pd.DataFrame, whistle_rows: pd.DataFrame, wish_row: pd.Series, lists_row: pd.Series,
             supervision_rows: pd.DataFrame, secretaries: pd.DataFrame, service_hours: float,
             activity_count: int) -> pd.Series:
    """One row of people-stream KPI numerators and denominators (see queries.kpis.people_registry)."""
    last = trend.iloc[-1] if len(trend) else None
    total_whistles = whistle_rows[whistle_rows.is_total]
    w = total_whistles.iloc[0] if len(total_whistles) else None
    total_orders = supervision_rows[supervision_rows.is_total]
    s = total_orders.iloc[0] if len(total_orders) else None
    return pd.Series({
        "assigned_count": int(last.assigned_count) if last is not None else 0,
        "reported_in_count": int(last.reported_in_count) if last is not None else 0,
        "checkin_count": int(trend.checkin_count.sum()) if len(trend) else 0,
        "service_hours": float(service_hours),
        "activity_count": int(activity_count),
        "whistle_count": int(w.whistle_count) if w is not None else 0,
        "whistle_solved_count": int(w.solved_count) if w is not None else 0,
        "whistle_report_in_median_hours": _num(w.report_in_median_hours) if w is not None else None,
        "whistle_report_in_p90_hours": _num(w.report_in_p90_hours) if w is not None else None,
        "whistle_solve_median_hours": _num(w.solve_median_hours) if w is not None else None,
        "whistle_solve_p90_hours": _num(w.solve_p90_hours) if w is not None else None,
        "wish_posted_count": int(wish_row.posted_count),
        "wish_claimed_count": int(wish_row.claimed_count),
        "wish_completed_count": int(wish_row.completed_count),
        "wish_completed_value_yuan": float(wish_row.completed_value_yuan),
        "need_count": int(lists_row.need_count),
        "need_claimed_count": int(lists_row.need_claimed_count),
        "order_count": int(s.order_count) if s is not None else 0,
        "order_rectified_count": int(s.rectified_count) if s is not None else 0,
        "order_pending_count": int(s.pending_count) if s is not None else 0,
        "order_due_count": int(s.order_count - s.pending_count) if s is not None else 0,
        "secretary_judged_months": int(secretaries.judged_months.sum()) if len(secretaries) else 0,
        "secretary_met_months": int((secretaries.judged_months - secretaries.missed_months).sum()) if len(secretaries) else 0,
    })


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
