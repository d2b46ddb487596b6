"""每月一题 tracking: the topic's reports month by month, and for the topic month against the month
before (to the same point of the month while it runs), overall and per district and unit. No streamlit.

    change = reports of the topic month so far ÷ reports of the month before in the same days − 1
    on track = change ≤ −target_fall
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from data.topics import Topic
from queries.runner import CursorSource, fetch
from queries.scope import Scope

BY = ("all", "district", "unit")
HISTORY_MONTHS = 6

METHOD_ZH = (
    "每月一题：本月选定的小类（一个或一组）的上报数，与上月比较。本月未结束时，与上月同一时段（同样的天数与时刻）比较，"
    "月末为整月比较；降幅达到目标即为“达标”。作废案件不计；按区县与责任单位（最后派遣的单位）分列。"
    "题目由管理员在本页设定，每次设定连同设定人与时间记入设定记录（只追加，不改写），最新一次为准。"
)


def _month_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def topic_tracking(source: CursorSource, scope: Scope, categories: tuple[str, ...], from_month: date,
                   by: str) -> pd.DataFrame:
    if by not in BY:
        raise ValueError(f"unknown grouping: {by!r}")
    return fetch(source, "topic_tracking", scope, categories=list(categories), from_month=from_month, by=by)


def monthly(source: CursorSource, scope: Scope, topic: Topic) -> pd.DataFrame:
    """One row per month from HISTORY_MONTHS before the topic month to it: month, reports, reports_same_days."""
    start = _month_back(topic.month_start, HISTORY_MONTHS)
    frame = topic_tracking(source, scope, topic.categories, start, "all")
    months = pd.DataFrame({"month": pd.date_range(start, topic.month_start, freq="MS").date})
    frame = frame.assign(month=pd.to_datetime(frame.month).dt.date)
    out = months.merge(frame[["month", "reports", "reports_same_days"]], on="month", how="left").fillna(0)
    return out.astype({"reports": "int64", "reports_same_days": "int64"})


def versus_previous(source: CursorSource, scope: Scope, topic: Topic, by: str) -> pd.DataFrame:
    """Per group: previous month's reports (whole and in the same days), the topic month's so far, the
    change against the same days and whether the target fall is reached. A topic month already over
    compares whole months (the same-days count of a past month is the whole month)."""
    previous = _month_back(topic.month_start, 1)
    frame = topic_tracking(source, scope, topic.categories, previous, by)
    frame = frame.assign(month=pd.to_datetime(frame.month).dt.date)
    now_month = date(scope.now_at.year, scope.now_at.month, 1)
    running = topic.month_start == now_month
    prev = frame[frame.month == previous].set_index("group_code")
    this = frame[frame.month == topic.month_start].set_index("group_code")
    codes = sorted(set(prev.index) | set(this.index))
    out = pd.DataFrame({"group_code": codes})
    out["previous_month"] = out.group_code.map(prev.reports).fillna(0).astype(int)
    out["previous_same_days"] = out.group_code.map(prev.reports_same_days if running else prev.reports).fillna(0).astype(int)
    out["this_month"] = out.group_code.map(this.reports).fillna(0).astype(int)
    base = out.previous_same_days.where(out.previous_same_days > 0)
    out["change_rate"] = out.this_month / base - 1
    out["on_track"] = out.change_rate <= -topic.target_fall
    return out.sort_values(["previous_month", "group_code"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
