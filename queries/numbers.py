"""Rounding of every rate shown or exported: one rule, applied to the exact fraction.

A rate is numerator / denominator. It is rounded as a fraction (never from the float n/d*100, which
turns the tie 23/160 = 14.375% into 14.37%) under the city's rule, city.toml [kpi] rounding:
- "half_up"   四舍五入 (the default; what published bulletins use): 14.375% -> 14.38%
- "half_even" GB/T 8170 数值修约 (四舍六入五成双): 14.375% -> 14.38%, 14.365% -> 14.36%
Cards, tables, the wall, exports and bulletins all format rates through `percent_text` /
`rate_text`, so one figure reads the same everywhere.

A float rate (kpi_value returns num/den as a float) is turned back into its exact decimal with
`repr`: IEEE division is correctly rounded, so the float of an exact tie such as 23/160 has the
shortest representation "0.14375" and is rounded as that decimal, not as 0.1437499999…
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Rational

RULES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
RULE_LABELS = {"half_up": "四舍五入", "half_even": "四舍六入五成双（GB/T 8170 数值修约）"}
DEFAULT_RULE = "half_up"


def city_rule() -> str:
    """The configured rule (city.toml [kpi] rounding); read lazily so tests may swap the city file."""
    from data.config import load_city
    return load_city().rounding


def _exact(value) -> Fraction:
    if isinstance(value, Rational):
        return Fraction(value)
    if isinstance(value, Decimal):
        return Fraction(value)
    return Fraction(Decimal(repr(float(value))))


def round_fraction(value: Fraction, decimals: int, rule: str | None = None) -> Decimal:
    """`value` rounded to `decimals` places under `rule` (half_up rounds ties away from zero)."""
    rule = rule or city_rule()
    if rule not in RULES:
        raise ValueError(f"unknown rounding rule {rule!r}; known: {sorted(RULES)}")
    scaled = value * 10 ** decimals
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    twice = 2 * rest
    if twice > scaled.denominator or (twice == scaled.denominator
                                      and (rule == "half_up" or whole % 2 == 1)):
        whole += 1
    sign = -1 if scaled < 0 else 1
    return Decimal(sign * whole).scaleb(-decimals)


def percent(num, den=None, decimals: int = 2, rule: str | None = None) -> Decimal | None:
    """num/den in percent, rounded (den None: num is already the rate 0..1). None when there is no
    rate (zero denominator, missing value)."""
    if num is None or (not isinstance(num, (Rational, Decimal)) and num != num):
        return None
    if den is not None:
        if den != den or den == 0:
            return None
        value = Fraction(int(num), int(den))
    else:
        value = _exact(num)
    return round_fraction(value * 100, decimals, rule)


def percent_text(num, den=None, decimals: int = 2, rule: str | None = None, *, signed: bool = False) -> str:
    """"14.38%" (signed: "+14.38"), or "—" when there is no rate."""
    value = percent(num, den, decimals, rule)
    if value is None:
        return "—"
    text = f"{value:.{decimals}f}"
    if signed and value >= 0:
        text = "+" + text
    return text if signed else text + "%"


def rate_text(rate, decimals: int = 2, rule: str | None = None) -> str:
    """A rate 0..1 as "14.38%"."""
    return percent_text(rate, None, decimals, rule)


def points_text(diff_rate, decimals: int = 2, rule: str | None = None) -> str:
    """The difference of two rates in percentage points: "+1.25 个百分点"."""
    text = percent_text(diff_rate, None, decimals, rule, signed=True)
    return text if text == "—" else f"{text} 个百分点"


def rounded_rate(rate, decimals: int = 2, rule: str | None = None) -> float | None:
    """The rate 0..1 as displayed (percent rounded to `decimals`), for tables and exports whose
    cells hold numbers: a spreadsheet then shows exactly the dashboard's figure."""
    value = percent(rate, None, decimals, rule)
    return None if value is None else float(value / 100)
