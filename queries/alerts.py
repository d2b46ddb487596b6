"""预警: the alert rules of city.toml [alerts] evaluated at scope.now_at. No streamlit.

Every alert names a thing (a case number, a whistle call, a street × 小类, a unit) and never a
person; its alert_key identifies that thing under that rule, so the alert state (data/alert_state.py)
fires it once and not again until it clears.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from data.alerts_config import LEVELS, AlertsConfig
from data.signals_config import SignalsConfig
from queries import snapshot_facts
from queries.anomalies import SPANS, anomalies
from queries.cases import unit_kpis
from queries.kpi_daily import is_duckdb
from queries.runner import CursorSource, fetch
from queries.scope import Scope
from queries.worktime_sql import office_key, office_params

COLUMNS = ["alert_key", "rule", "level", "level_rank", "subject_zh", "detail_zh", "case_no"]
SPAN_ORDER = {span: i for i, span in enumerate(SPANS)}     # 今日 before 近7天 in an alert's detail


def _frame(rows: list[dict] | dict[str, list]) -> pd.DataFrame:
    """The alerts of `rows` (dicts, or one list per column) with COLUMNS and the level's rank."""
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["level_rank"] = frame["level"].map({lvl: i for i, lvl in enumerate(LEVELS)}).astype("Int64")
    return frame


def alert_cases(source: CursorSource, scope: Scope, config: AlertsConfig) -> pd.DataFrame:
    """The open cases the 超期 and 临期 rules name (alert_cases.sql's rows). From the working minutes
    open_cases holds when they were clocked under the city's office hours (every publish clocks them:
    only now is clocked per view); else, and on engines other than DuckDB, each case is clocked in the
    query (alert_cases_clocked.sql: the same rows, ~3x the cost at 10M cases)."""
    office = office_params()
    name = "alert_cases" if minutes_at_publish(source, scope, office) else "alert_cases_clocked"
    return fetch(source, name, scope, near_share=config.near_deadline_share, limit=config.max_case_alerts, **office)


def minutes_at_publish(source: CursorSource, scope: Scope, office: dict) -> bool:
    """True when open_cases' working minutes were clocked under the office hours `office` (meta
    open_cases_office, data.store.refresh_open_cases), asked once per snapshot (queries/snapshot_facts)."""
    if not is_duckdb(source):
        return False
    return snapshot_facts.row(source, "open_cases_office", scope, fetch)["office"] == office_key(office)


def case_alerts(source: CursorSource, scope: Scope, config: AlertsConfig) -> pd.DataFrame:
    cases = alert_cases(source, scope, config)
    rows: dict[str, list] = {c: [] for c in COLUMNS if c != "level_rank"}
    # Column lists, not itertuples: one pass over each column (3,000 rows at 10M cases city-wide).
    for case_id, case_no, unit_name, street_name, minor_name, is_overdue, hours, share, handle_deadline_at in zip(
            *(cases[c].tolist() for c in ("case_id", "case_no", "unit_name", "street_name", "minor_name",
                                          "is_overdue", "overdue_work_hours", "handle_used_share",
                                          "handle_deadline_at"))):
        unit = unit_name if isinstance(unit_name, str) else "（未派遣）"
        where = f"{street_name or ''} {minor_name or ''}".strip()
        if pd.notna(is_overdue) and is_overdue:     # NULL: no closing deadline, never overdue
            known = pd.notna(hours)
            # A deadline outside the calendar: overdue for certain, by how much unknown → the first level.
            over = f"已超过结案时限 {hours:.1f} 工作时" if known else "已超过结案时限（日历缺少该日期，工作时未知）"
            rows["alert_key"].append(f"overdue:{case_id}")
            rows["rule"].append("超期")
            rows["level"].append(config.overdue_level(hours) if known else config.overdue_levels[0][1])
            rows["detail_zh"].append(f"{where}，{unit}，{over}")
        else:
            rows["alert_key"].append(f"near:{case_id}")
            rows["rule"].append("临期")
            rows["level"].append(config.near_deadline_level)
            rows["detail_zh"].append(f"{where}，{unit}，处置时限已用 {share:.0%}，{handle_deadline_at:%m月%d日 %H:%M} 到期")
        rows["subject_zh"].append(f"案件 {case_no}")
        rows["case_no"].append(case_no)
    return _frame(rows) if len(cases) else _frame([])


def whistle_alerts(source: CursorSource, scope: Scope, config: AlertsConfig) -> pd.DataFrame:
    calls = fetch(source, "alert_whistles", scope, limit_hours=config.whistle_limit_hours)
    return _frame([{"alert_key": f"whistle:{r.whistle_id}:{r.unit_code}", "rule": "吹哨未报到",
                    "level": config.whistle_level, "case_no": None,
                    "subject_zh": f"{r.community_name or '社区'}吹哨 → {r.unit_name or r.unit_code}",
                    "detail_zh": f"{r.category or '问题'}，{r.called_at:%m月%d日 %H:%M} 呼叫，已等待 {r.waiting_hours:.0f} 小时未报到"}
                   for r in calls.itertuples(index=False)])


def anomaly_alerts(source: CursorSource, scope: Scope, config: AlertsConfig, signals: SignalsConfig) -> pd.DataFrame:
    """One alert per street × 小类 (the thing the alert names, city.toml [alerts]): a burst of today is
    also in the last 7 days, and two alerts for one burst would count it twice and fire it twice. Its
    level follows the most surprising span; the detail gives every span found."""
    found = anomalies(source, scope, signals.anomaly_weeks, signals.anomaly_p, signals.anomaly_min_count)
    rows = []
    for (street, category), spans in found.groupby(["street_code", "category_code"], sort=False):
        top = spans.iloc[0]                     # anomalies() sorts the most surprising first
        rows.append({"alert_key": f"anomaly:{street}:{category}", "rule": "异动",
                     "level": "红" if top.p_value < config.anomaly_red_p else config.anomaly_level, "case_no": None,
                     "subject_zh": f"{top.district_name or ''}{top.street_name or ''} {top.minor_name}",
                     "detail_zh": "；".join(f"{r.span_zh}上报 {r.observed} 件，往常约 {r.expected:.1f} 件"
                                           for r in spans.sort_values("span", key=lambda s: s.map(SPAN_ORDER))
                                           .itertuples(index=False))})
    return _frame(rows)


def unit_alerts(source: CursorSource, scope: Scope, config: AlertsConfig) -> pd.DataFrame:
    """Units whose 按期结案率 this month (1st of the month → now) is below the minimum."""
    today = scope.now_at.date()
    month = replace(scope, start_date=date(today.year, today.month, 1), end_date=today + pd.Timedelta(days=1))
    units = unit_kpis(source, month, ("due_count", "due_on_time_count"), live=False)
    rows = []
    for r in units.itertuples(index=False):
        if r.due_count >= config.unit_min_due and r.due_on_time_count / r.due_count < config.unit_on_time_min:
            rate = r.due_on_time_count / r.due_count
            rows.append({"alert_key": f"unit_on_time:{r.group_code}:{today:%Y-%m}", "rule": "按期结案率偏低",
                         "level": config.unit_on_time_level, "case_no": None,
                         "subject_zh": str(r.name if isinstance(getattr(r, "name", None), str) else r.group_code),
                         "detail_zh": f"本月按期结案率 {rate:.1%}（{r.due_on_time_count} / {r.due_count}），"
                                      f"低于 {config.unit_on_time_min:.0%}"})
    return _frame(rows)


def evaluate(source: CursorSource, scope: Scope, config: AlertsConfig, signals: SignalsConfig) -> pd.DataFrame:
    """Every alert at scope.now_at, most urgent level first, then by rule and subject."""
    parts = [case_alerts(source, scope, config), whistle_alerts(source, scope, config),
             anomaly_alerts(source, scope, config, signals), unit_alerts(source, scope, config)]
    frame = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) \
        else _frame([])
    # Level rank descending, then rule and key by code point, stable: sort_values' order (keys are unique).
    # Sorted in Python: pandas factorised the ~3,000 Arrow strings of rule and key for it (~15 ms at 10M).
    ranks, rules, keys = (frame[c].tolist() for c in ("level_rank", "rule", "alert_key"))
    order = sorted(range(len(frame)), key=lambda i: (-ranks[i], rules[i], keys[i]))
    return frame.iloc[order].reset_index(drop=True)


# The rules in the order the overview's strip names them: what happened (a burst, an unanswered
# whistle, a unit falling behind) before the standing lists of cases past or near their deadlines.
RULES = ("异动", "吹哨未报到", "按期结案率偏低", "超期", "临期")


def rule_level_counts(alerts: pd.DataFrame) -> dict[str, dict[str, int]]:
    """{rule: {level: count}} of the rules and levels that have alerts: rules in RULES order (any other
    after them), levels most urgent first."""
    if not len(alerts):
        return {}
    counts = alerts.groupby(["rule", "level"]).size()
    present = set(counts.index.get_level_values(0))
    rules = [r for r in RULES if r in present] + sorted(present - set(RULES))
    return {rule: {lvl: int(counts[(rule, lvl)]) for lvl in reversed(LEVELS) if (rule, lvl) in counts.index}
            for rule in rules}


def level_counts(alerts: pd.DataFrame) -> dict[str, int]:
    """{level: count} for every level, most urgent first (for the strip on the wall and the overview)."""
    counts = alerts["level"].value_counts() if len(alerts) else pd.Series(dtype=int)
    return {lvl: int(counts.get(lvl, 0)) for lvl in reversed(LEVELS)}
