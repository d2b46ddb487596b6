"""重复发生 (recurrence): the same 小类 again at the same place soon after a closure. No streamlit.

Same place = the same grid, or within `meters` of each other (great-circle distance on WGS84 points).
"""
from __future__ import annotations

import pandas as pd

from queries.runner import CursorSource, fetch
from queries.scope import Scope

BY = ("unit", "district", "street", "category")

METHOD_ZH = (
    "重复发生：同一小类的问题在同一地点（同一网格，或两点相距不超过 {meters:g} 米）于上一件结案后 {days} 天内再次上报。"
    "复发率 = 统计期内结案、且结案后 {days} 天内（截至当前）此处再次上报同一小类的案件数 ÷ 统计期内结案数；"
    "按结案时的责任单位、所在区县/街道或小类分组。作废案件不计。案件详情中“此处 {days} 天内第 N 次”"
    "为此前 {days} 天内（含本件）此处同一小类的上报次数。"
)


def recurrence_pairs(source: CursorSource, scope: Scope, days: int, meters: float, limit: int = 200) -> pd.DataFrame:
    """Later cases reported in the window with the closure they repeat, newest first (at most `limit`;
    total_count says how many)."""
    return fetch(source, "recurrence_pairs", scope, days=int(days), meters=float(meters), limit=int(limit))


def recurrence_rates(source: CursorSource, scope: Scope, by: str, days: int, meters: float) -> pd.DataFrame:
    """One row per group: closed_cases, recurred_cases, recurrence_rate (0..1)."""
    if by not in BY:
        raise ValueError(f"unknown grouping: {by!r}")
    frame = fetch(source, "recurrence_rates", scope, by=by, days=int(days), meters=float(meters))
    frame["recurrence_rate"] = frame["recurred_cases"] / frame["closed_cases"].where(frame["closed_cases"] > 0)
    return frame


def recurrence_flag(source: CursorSource, scope: Scope, case_id: int, days: int, meters: float) -> str | None:
    """'此处 30 天内第 2 次' for a case reported here before within `days`; None for a first report."""
    frame = fetch(source, "recurrence_flag", scope, case_id=int(case_id), days=int(days), meters=float(meters))
    if frame.empty or int(frame.reports_here.iloc[0]) < 2:
        return None
    return f"此处 {int(days)} 天内第 {int(frame.reports_here.iloc[0])} 次"
