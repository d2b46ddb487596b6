"""Calendar comparison periods and the words that say which span a figure is compared with.

A window is a kind of period (Scope.period) plus its dates:
- "month" / "quarter" / "year": a calendar period from its first day. Complete, it is compared with
  the whole previous calendar month / quarter / year; still running (it ends after today), with the
  previous one up to the same day (较上月同期: 1–7 December against 1–7 November, capped at the end
  of the shorter month), evaluated as of the same moment then, so cases not yet due are treated alike.
- "week" / "day": the previous week / day, the same days.
- "" (rolling or free dates): the window of equal length just before it; a free window that is
  exactly a calendar month, quarter or year is recognised as one.
同比 is the same calendar dates one year earlier (29 February becomes 28 February).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

MONTHS = {"month": 1, "quarter": 3, "year": 12}
PREVIOUS_NAMES = {"month": "上月", "quarter": "上季度", "year": "上年", "week": "上周", "day": "昨日"}


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the day of month capped at the target month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first_next = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (first_next - timedelta(days=1)).day))


def _starts(kind: str, day: date) -> bool:
    if kind == "month":
        return day.day == 1
    if kind == "quarter":
        return day.day == 1 and day.month in (1, 4, 7, 10)
    return day.day == 1 and day.month == 1


def calendar_kind(start: date, end: date) -> str:
    """"month" / "quarter" / "year" when [start, end) is exactly one such calendar period, else ""."""
    for kind, months in sorted(MONTHS.items(), key=lambda kv: kv[1]):
        if _starts(kind, start) and add_months(start, months) == end:
            return kind
    return ""


def kind_of(start: date, end: date, period: str) -> str:
    """The comparison kind of a window: its declared period, checked against its dates."""
    if period in MONTHS and _starts(period, start):
        return period
    if period == "week" and start.weekday() == 0 and (end - start).days <= 7:
        return "week"
    if period == "day" and (end - start).days == 1:
        return "day"
    return calendar_kind(start, end)


def previous_window(start: date, end: date, period: str = "") -> tuple[date, date, int]:
    """[start, end) of the comparison window and the whole days it lies before the current one
    (by which a running window's moment `now` moves back too)."""
    kind = kind_of(start, end, period)
    if kind in MONTHS:
        months = MONTHS[kind]
        prev_start = add_months(start, -months)
        if end >= add_months(start, months):              # complete: the whole previous period
            return prev_start, start, (start - prev_start).days
        # running: up to the same day of month (30 March -> 28 February, the month's last day)
        prev_end = min(add_months(end - timedelta(days=1), -months) + timedelta(days=1), start)
        return prev_start, prev_end, (start - prev_start).days
    if kind == "week":
        return start - timedelta(days=7), end - timedelta(days=7), 7
    days = (end - start).days
    return start - timedelta(days=days), start, days


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def moment_before(now_at: datetime, end: date, days: int) -> datetime:
    """The comparison window's `now`: for a running window (now before its end) the same moment
    `days` earlier, so both sides count cases still within their limit the same way."""
    if now_at < datetime.combine(end, datetime.min.time()):
        return now_at - timedelta(days=days)
    return now_at


def span_text(start: date, end: date, *, with_year: bool = True) -> str:
    """"2026年11月01日–11月07日" (end inclusive; the year repeated only when it changes); without the
    year for the wall, where the date on screen says it: "11月01日–07日"."""
    last = end - timedelta(days=1)
    if not with_year and last.year == start.year:
        return f"{start:%m月%d日}" if last <= start else \
            (f"{start:%m月%d日}–{last:%d日}" if last.month == start.month else f"{start:%m月%d日}–{last:%m月%d日}")
    if last <= start:
        return f"{start:%Y年%m月%d日}"
    return f"{start:%Y年%m月%d日}–{last:%m月%d日}" if last.year == start.year else \
        f"{start:%Y年%m月%d日}–{last:%Y年%m月%d日}"


def previous_caption(start: date, end: date, period: str = "", *, with_year: bool = True) -> str:
    """What the change beside a figure compares with, naming the span: "较上月同期（2026年11月01日–11月07日）"."""
    kind = kind_of(start, end, period)
    prev_start, prev_end, _ = previous_window(start, end, period)
    if kind in MONTHS:
        running = end < add_months(start, MONTHS[kind])
        name = PREVIOUS_NAMES[kind] + ("同期" if running else "")
    elif kind in ("week", "day"):
        name = PREVIOUS_NAMES[kind] + ("同期" if kind == "week" else "")
    else:
        name = f"前{(end - start).days}天"
    return f"较{name}（{span_text(prev_start, prev_end, with_year=with_year)}）"


def year_ago_caption(start: date, end: date) -> str:
    return f"同比：较上年同期（{span_text(year_before(start), year_before(end))}）"


def scope_previous(scope):
    """The Scope of the comparison window (see the module doc)."""
    prev_start, prev_end, days = previous_window(scope.start_date, scope.end_date, scope.period)
    return replace(scope, start_date=prev_start, end_date=prev_end,
                   now_at=moment_before(scope.now_at, scope.end_date, days))


def scope_year_ago(scope):
    start, end = year_before(scope.start_date), year_before(scope.end_date)
    return replace(scope, start_date=start, end_date=end,
                   now_at=moment_before(scope.now_at, scope.end_date, (scope.start_date - start).days))
