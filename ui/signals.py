"""预计办结 and the recurrence flag for the case pages: cached model figures applied to a bounded page
of cases (the model is the same for every case, so it is fetched once and cached per snapshot)."""
from __future__ import annotations

import pandas as pd

from data.signals_config import load_signals
from queries.expected import Estimator, predict, window_end
from queries.scope import Scope
from ui import cache


def estimator(scope: Scope) -> Estimator:
    """Figures over every case the identity may see (not the page's filters: a filter on one street
    must not change how long a unit is expected to take)."""
    config = load_signals()
    base = scope.unfiltered()
    stats = cache.get("expected_stats", base, window_end(scope), config.expected_window_days)
    return Estimator(stats, config.expected_min_cases)


def with_expected(scope: Scope, rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` (a page of case_list, or one case_detail row) plus expected_at, p90_at, expected_zh, expected_rule_zh."""
    if rows.empty:
        return rows.assign(expected_at=pd.NaT, p90_at=pd.NaT, expected_zh=None, expected_rule_zh=None)
    return predict(rows, estimator(scope), cache.calendar())


def expected_of_case(scope: Scope, case: dict) -> tuple[str, str] | None:
    """(text, rule) for an open dispatched case of the detail view; None otherwise."""
    keys = ["unit_code", "category_code", "major_code", "dispatched_at", "deferred_hours", "closed_at", "status"]
    row = with_expected(scope, pd.DataFrame([{k: case.get(k) for k in keys}]))
    text = row.expected_zh.iloc[0]
    return None if not isinstance(text, str) else (text, row.expected_rule_zh.iloc[0])


def recurrence_text(scope: Scope, case_id: int) -> str | None:
    config = load_signals()
    return cache.get("recurrence_flag", scope.unfiltered(), case_id, config.recurrence_days, config.recurrence_meters)


def add_unit_signals(export: pd.DataFrame, kinds: dict[str, str], scope: Scope,
                     code_column: str = "代码") -> tuple[pd.DataFrame, dict[str, str]]:
    """The unit league's extra columns: 推诿率 (cases passed on ÷ cases dispatched to the unit, in the
    window) and the unit's 预计办结 figures (median and P90 working hours dispatch → closure, recent closures)."""
    handoffs = cache.get("handoff_rates", scope).set_index("unit_code")
    codes = export[code_column]
    out = export.copy()
    out["推诿率"] = codes.map(handoffs["handoff_rate"]) if len(handoffs) else float("nan")
    out["转出（件）"] = codes.map(handoffs["passed_on_cases"]).fillna(0).astype(int) if len(handoffs) else 0
    est = estimator(scope)
    figures = {c: est.unit_figures(c) for c in codes}
    out["预计办结中位（工作时）"] = [f[1] if f else float("nan") for f in figures.values()]
    out["预计办结P90（工作时）"] = [f[2] if f else float("nan") for f in figures.values()]
    return out, kinds | {"推诿率": "rate", "转出（件）": "count", "预计办结中位（工作时）": "decimal",
                         "预计办结P90（工作时）": "decimal"}
