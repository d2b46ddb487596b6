"""Measures an area can be coloured and ranked by (the map page), built on the KPI registry so every
rate keeps the registry's numerator, denominator and exclusions (counted in SQL by case_facts flags,
see queries.cases.area_summary). Values are computed from one area_summary row; a zero denominator
gives NaN, shown as "—".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.config import CityConfig
from queries.kpis import registry
from queries.numbers import rate_text


@dataclass(frozen=True)
class AreaMeasure:
    key: str
    label: str
    unit: str                  # shown after numbers: 件, %, 件/万人
    fmt: str                   # count | rate | decimal
    numerator: str             # column of area_summary
    numerator_label: str
    denominator: str | None    # column of area_summary; None for a plain count
    denominator_label: str | None
    scale: float               # value = numerator / denominator * scale
    formula: str
    exclusions: str
    point_set: str             # queries.maps.POINT_SETS: which cases the point/density layer shows
    higher_is_better: bool


def _disposal_sides(disp) -> tuple[str, str, str]:
    """(numerator label, denominator column, denominator label) of 处置率 under the city's reading."""
    if disp.numerator == "handle_due_handled_count":
        return "处置数", disp.denominator, "应处置数"
    return "处置结案数", disp.denominator, "立案派遣数"


def area_measures(city: CityConfig) -> dict[str, AreaMeasure]:
    kpis = registry(city)
    acc, disp, ontime, overdue = kpis["accepted"], kpis["disposal_rate"], kpis["on_time_rate"], kpis["overdue_open"]
    items = [
        AreaMeasure("count", acc.label, "件", "count", "accepted_count", acc.label, None, None, 1.0,
                    acc.formula, acc.exclusions, "accepted", higher_is_better=False),
        AreaMeasure("per10k", "每万人受理数", "件/万人", "decimal", "accepted_count", acc.label, "population",
                    "常住人口", 10_000.0, f"{acc.label} ÷ 常住人口 × 10000", acc.exclusions + "；人口未知的区域显示“—”",
                    "accepted", higher_is_better=False),
        AreaMeasure("disposal", disp.label, "%", "rate", disp.numerator, *_disposal_sides(disp),
                    1.0, disp.formula, disp.exclusions, "accepted", higher_is_better=True),
        AreaMeasure("on_time", ontime.label, "%", "rate", "due_on_time_count", "按期结案数", "due_count", "应结案数",
                    1.0, ontime.formula, ontime.exclusions, "accepted", higher_is_better=True),
        AreaMeasure("overdue", overdue.label, "件", "count", "overdue_open_count", overdue.label, None, None, 1.0,
                    overdue.formula, overdue.exclusions, "overdue", higher_is_better=False),
    ]
    return {m.key: m for m in items}


def measure_values(summary: pd.DataFrame, measure: AreaMeasure) -> pd.Series:
    """The measure per row of an area_summary frame; NaN where the denominator is zero or unknown."""
    num = summary[measure.numerator].astype("float64")
    if measure.denominator is None:
        return num * measure.scale
    den = summary[measure.denominator].astype("float64")
    den = den.where(den > 0, np.nan)
    return num / den * measure.scale


def format_measure(value: float | None, measure: AreaMeasure) -> str:
    if value is None or pd.isna(value):
        return "—"
    if measure.fmt == "rate":
        return rate_text(value)
    if measure.fmt == "decimal":
        return f"{value:,.1f}"
    return f"{value:,.0f}"
