"""Numbers in the words of a bulletin: counts with thousands separators, rates in percent to 0.01,
changes as "较上月上升 1.22 个百分点" / "较上月增加 35 件（增长 3.4%）". Rates and rounding are the
dashboard's own (queries.kpis.format_value / shown_value), so a figure in a sentence is the figure on
the screen, and a change in 百分点 is the difference of the two figures as shown."""
from __future__ import annotations

from queries.kpis import format_value
from queries.numbers import percent, percent_text


def count(value: float | int | None, unit: str = "件") -> str:
    return "—" if value is None or value != value else f"{format_value(float(value), 'count')} {unit}".rstrip()


def rate(value: float | None) -> str:
    return format_value(value, "rate")


def rate_change(now: float | None, before: float | None, basis: str) -> str:
    """'较上月上升 1.22 个百分点' / '与上月持平' / '' when either side has no value."""
    a, b = percent(now), percent(before)     # each as shown (the city's rounding rule), as Decimals
    if a is None or b is None:
        return ""
    diff = a - b
    if diff == 0:
        return f"与{basis}持平"
    return f"较{basis}{'上升' if diff > 0 else '下降'} {abs(diff):.2f} 个百分点"


def count_change(now: float | None, before: float | None, basis: str, unit: str = "件") -> str:
    """'较上月增加 35 件（增长 3.4%）' / '与上月持平' / '较上月增加 12 件' (from zero) / ''."""
    if now is None or before is None or now != now or before != before:
        return ""
    diff = int(now) - int(before)
    if diff == 0:
        return f"与{basis}持平"
    text = f"较{basis}{'增加' if diff > 0 else '减少'} {abs(diff):,} {unit}"
    if before:
        text += f"（{'增长' if diff > 0 else '下降'} {percent_text(abs(diff), int(before), 1)}）"
    return text


def join_names(names: list[str], limit: int = 8) -> str:
    """'甲、乙和丙' (at most `limit`, then '等 N 个')."""
    names = [n for n in names if n]
    if not names:
        return ""
    if len(names) > limit:
        return "、".join(names[:limit]) + f"等 {len(names)} 个"
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]
