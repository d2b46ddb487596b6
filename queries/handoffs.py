"""推诿 (buck-passing): hand-offs of a case from one unit to another before anyone handled it.

Read from case_steps: every 'dispatch' step to a unit other than the one the case was last
dispatched to, before the case's first 'handle' step (scoped_handoffs in _scoped.sql). No streamlit.

    推诿率 = cases the unit passed on ÷ cases dispatched to it (both counted by step time in the window)
"""
from __future__ import annotations

import pandas as pd

from queries.runner import CursorSource, fetch
from queries.scope import Scope
from queries.worktime_sql import office_params

METHOD_ZH = (
    "推诿（回退/改派）取自案件环节记录：案件在任何单位处置回告之前，被再次派遣到另一个单位，记一次转出；"
    "转出单位记“转出”，接收单位记“转入”；案件又回到此前经手过的单位，记“退回”（如 A→B→A）。"
    "推诿率 = 转出案件数 ÷ 派遣到该单位的案件数；每次转出增加的时长 = 两次派遣之间的工作时（中位数与 P90）。"
    "按环节发生时间计入统计期。"
)


def unit_handoffs(source: CursorSource, scope: Scope) -> pd.DataFrame:
    """One row per unit: dispatched_cases, passed_on_cases, handoffs, received_cases, returned_cases,
    delay_hours_median / _p90 and handoff_rate (passed on ÷ dispatched; NaN when none dispatched)."""
    return with_rate(fetch(source, "handoff_units", scope, **office_params()))


def unit_handoff_rates(source: CursorSource, scope: Scope) -> pd.DataFrame:
    """unit_handoffs' unit_code, dispatched_cases, passed_on_cases and handoff_rate, the same values and
    order (the unit league shows only these): without the hand-offs' delays in working hours, the bulk
    of unit_handoffs over a long window, and the cases received (tests/test_handoff_rates.py)."""
    return with_rate(fetch(source, "handoff_rates", scope))


def with_rate(frame: pd.DataFrame) -> pd.DataFrame:
    """handoff_rate = passed on ÷ dispatched; NaN when none dispatched."""
    dispatched = frame["dispatched_cases"].astype(float)
    frame["handoff_rate"] = frame["passed_on_cases"].astype(float).where(dispatched > 0) / dispatched.where(dispatched > 0)
    return frame


def handoff_pairs(source: CursorSource, scope: Scope, limit: int = 20) -> pd.DataFrame:
    """The `limit` unit pairs with most hand-offs between them (both directions), most first."""
    return fetch(source, "handoff_pairs", scope, limit=int(limit))
