"""Step deadlines of cases: each 小类's time limits (data/reference/time_limits.csv) counted in
working time on the city's calendar (data/worktime.py), with the city's 缓办 / 延期 policy.

Every writer that stores cases (the demo generator, the importer when a source has no deadlines)
computes deadlines here, so the KPIs judge every case against the same rules.

- Each step's deadline runs from the step before it: 受理 from 上报, 立案 from 受理, 派遣 from 立案,
  处置 from 派遣, 核查 from 处置.
- The closing deadline (结案时限, the 应结案 clock) is the budget of the steps after filing,
  chained from filed_at: 派遣 + 处置 + 核查 + 结案 limits.
- 缓办 with policy "pause": the clock stops for the approved deferred working hours, so the
  handling deadline and the closing deadline move by them; "ignore": they do not move.
- 延期 with policy "move": the handling limit grows by `extension_limits` × itself (and the
  closing deadline with it); "ignore": the original deadline is kept.
A missing start (NaT) gives a missing deadline (NaT).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.worktime import WorkCalendar, limits_for

DEADLINE_COLUMNS = ("accept_deadline_at", "file_deadline_at", "dispatch_deadline_at", "handle_deadline_at",
                    "verify_deadline_at", "deadline_at")


@dataclass(frozen=True)
class DeadlinePolicy:
    deferred: str = "pause"        # pause | ignore
    extended: str = "move"         # move | ignore
    extension_limits: float = 1.0  # an approved extension, in multiples of the handling limit

    def __post_init__(self):
        if self.deferred not in ("pause", "ignore") or self.extended not in ("move", "ignore") \
                or self.extension_limits < 0:
            raise ValueError(f"bad deadline policy: {self}")

    @classmethod
    def from_city(cls, city) -> "DeadlinePolicy":
        """From data/reference/city.toml [deadlines] (a data.config.CityConfig)."""
        return cls(city.deferred_policy, city.extended_policy, city.extension_limits)

    def describe(self) -> tuple[str, str]:
        """(缓办 rule, 延期 rule) in Chinese, for the 口径说明 page."""
        deferred = ("缓办：经批准的缓办工作时不计时，处置时限与结案时限顺延相应工作时" if self.deferred == "pause"
                    else "缓办：时限不顺延（按原时限考核）")
        extended = (f"延期：经批准延期的案件，处置时限延长为原处置时限的 {1 + self.extension_limits:g} 倍，结案时限随之顺延"
                    if self.extended == "move" else "延期：时限不变（按原时限考核）")
        return deferred, extended


def case_deadlines(cal: WorkCalendar, limits: pd.DataFrame, policy: DeadlinePolicy, *, category,
                   reported, accepted, filed, dispatched, handled, deferred_hours=0.0,
                   is_extended=False) -> dict[str, np.ndarray]:
    """Deadline columns of `cases` (names as in DEADLINE_COLUMNS) for arrays of cases.

    category: 小类 codes; the timestamps: naive local datetime64 arrays (NaT where the step has not
    happened); deferred_hours: approved 缓办 working hours per case; is_extended: 延期 approved.
    """
    # Limits are looked up once per distinct category, then spread by index: per-row string
    # lookups dominated at millions of rows.
    if isinstance(category, pd.Categorical):
        codes, distinct = category.codes, np.asarray(category.categories, dtype=object)
    else:
        codes, distinct = pd.factorize(np.asarray(category, dtype=object))
        distinct = np.asarray(distinct, dtype=object)
    n = len(codes)

    def step_limits(step: str) -> tuple[np.ndarray, pd.Categorical]:
        amount, unit = limits_for(limits, distinct, step)
        names, unit_of_distinct = np.unique(unit.astype(str), return_inverse=True)
        return amount[codes], pd.Categorical.from_codes(unit_of_distinct[codes], names)

    paused = np.broadcast_to(np.asarray(deferred_hours, dtype=float), (n,)) if policy.deferred == "pause" \
        else np.zeros(n)
    extended = np.broadcast_to(np.asarray(is_extended, dtype=bool), (n,))
    growth = policy.extension_limits if policy.extended == "move" else 0.0
    (a_amt, a_unit), (f_amt, f_unit), (d_amt, d_unit), (h_amt, h_unit), (v_amt, v_unit), (c_amt, c_unit) = (
        step_limits(step) for step in ("accept", "file", "dispatch", "handle", "verify", "close"))
    handle_amt = h_amt * np.where(extended, 1.0 + growth, 1.0)
    closing = cal.add(filed, d_amt, d_unit)
    closing = cal.add(closing, handle_amt, h_unit, deferred_hours=paused)
    closing = cal.add(cal.add(closing, v_amt, v_unit), c_amt, c_unit)
    return {
        "accept_deadline_at": cal.add(reported, a_amt, a_unit),
        "file_deadline_at": cal.add(accepted, f_amt, f_unit),
        "dispatch_deadline_at": cal.add(filed, d_amt, d_unit),
        "handle_deadline_at": cal.add(dispatched, handle_amt, h_unit, deferred_hours=paused),
        "verify_deadline_at": cal.add(handled, v_amt, v_unit),
        "deadline_at": closing,
    }


UNIT_NAMES = {"work_hours": "工作时", "work_days": "工作日", "natural_hours": "自然时"}
STEP_NAMES = {"accept": "受理", "file": "立案", "dispatch": "派遣", "handle": "处置", "verify": "核查", "close": "结案"}


def limits_table(limits: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    """One row per 小类 with its time limit per step as shown ("4 工作时"), the '*' defaults filled in.
    One limits_for per step over every 小类 (one call per 小类 and step took 0.13 s of 口径说明's cold view)."""
    table = {"小类代码": categories["category_code"].tolist(), "大类": categories["major_name"].tolist(),
             "小类": categories["minor_name"].tolist()}
    for step, name in STEP_NAMES.items():
        amounts, units = limits_for(limits, categories["category_code"].to_numpy(object), step)
        table[name] = [f"{amount:g} {UNIT_NAMES[unit]}" for amount, unit in zip(amounts, units)]
    return pd.DataFrame(table)
