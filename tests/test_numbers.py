"""Rates are rounded from the exact fraction under the city's rule, the same in every place they show."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from data.config import load_city
from queries.kpis import format_value, kpi_value, registry, shown_value
from queries.measures import area_measures, format_measure
from queries.numbers import percent, percent_text, points_text, rate_text, round_fraction, rounded_rate

KPIS = registry(load_city())


def test_an_exact_tie_rounds_half_up_by_default_not_by_float_noise():
    # 23/160 = 14.375% exactly; the float 23/160*100 is 14.374999…, which printed "14.37%"
    assert load_city().rounding == "half_up"
    assert percent_text(23, 160) == "14.38%"
    assert rate_text(23 / 160) == "14.38%"


def test_gbt8170_rounds_an_exact_tie_to_even_and_anything_above_it_up():
    assert percent_text(23, 160, rule="half_even") == "14.38%"      # 14.375 → 8 is even
    assert percent_text(2873, 20000, rule="half_even") == "14.36%"  # 14.365 → 6 is even
    assert percent_text(2873, 20000, rule="half_up") == "14.37%"
    assert percent_text(28731, 200000, rule="half_even") == "14.37%"  # 14.3655 is above the tie


def test_negative_values_and_missing_rates():
    assert round_fraction(-__import__("fractions").Fraction(14375, 1000), 2, "half_up") == Decimal("-14.38")
    assert percent(5, 0) is None and percent_text(None) == "—" and rate_text(float("nan")) == "—"
    assert points_text(-0.0012345, rule="half_up") == "-0.12 个百分点"
    assert points_text(0.0, rule="half_up") == "+0.00 个百分点"


def test_the_kpi_card_the_league_cell_and_the_map_show_the_same_rounded_tie():
    row = pd.Series({"due_closed_count": 23, "due_count": 160})
    value = kpi_value(row, KPIS["closing_rate"])
    assert format_value(value, "rate") == "14.38%"
    assert shown_value(value, "rate") == 14.38
    assert format_measure(value, area_measures(load_city())["on_time"]) == "14.38%"
    assert rounded_rate(value) == 0.1438   # the number written into Excel, shown there as 14.38%


def test_the_rule_is_city_configuration_and_unknown_rules_are_refused(tmp_path: Path):
    text = (Path(__file__).parent.parent / "data" / "reference" / "city.toml").read_text(encoding="utf-8")
    even = tmp_path / "even.toml"
    even.write_text(text.replace('rounding = "half_up"', 'rounding = "half_even"'), encoding="utf-8")
    assert load_city(even).rounding == "half_even"
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('rounding = "half_up"', 'rounding = "bankers"'), encoding="utf-8")
    with pytest.raises(ValueError, match="rounding"):
        load_city(bad)


def test_the_configured_rule_reaches_every_formatter(monkeypatch):
    monkeypatch.setattr("queries.numbers.city_rule", lambda: "half_even")
    assert rate_text(2873 / 20000) == "14.36%"
    assert format_value(2873 / 20000, "rate") == "14.36%"
    monkeypatch.setattr("queries.numbers.city_rule", lambda: "half_up")
    assert format_value(2873 / 20000, "rate") == "14.37%"


def test_exports_carry_rates_rounded_as_shown():
    from ui.export import rates_as_shown
    frame = pd.DataFrame({"单位": ["甲", "乙"], "结案率": [23 / 160, None], "件数": [160, 0]})
    out = rates_as_shown(frame, {"结案率": "rate", "件数": "count"})
    assert out["结案率"].iloc[0] == 0.1438 and pd.isna(out["结案率"].iloc[1])
    assert out["件数"].tolist() == [160, 0]
