"""Bulletin periods (统计期): 周报 natural week, 月报 calendar month or a city's 统计月 (e.g. the 21st to
the 20th), 季报, 年报 and any custom range, each with the period it is compared with.

Every period is half-open [start, end) like a Scope. 环比 compares with the previous period of the
same kind (the previous week, month, quarter, year; for a custom range the range of equal length
just before it); 同比 with the same period a year earlier.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

KINDS = {"week": "周报", "month": "月报", "quarter": "季报", "year": "年报", "custom": "专报"}
PREVIOUS_WORDS = {"week": "上周", "month": "上月", "quarter": "上季度", "year": "上年", "custom": "上一同长度周期"}


@dataclass(frozen=True)
class Period:
    kind: str            # key of KINDS
    start: date          # first day
    end: date            # day after the last day
    label: str           # e.g. 2026年11月, 2026年第3季度, 2026年第48周
    month_start_day: int = 1   # 统计月: the day a month period starts on (1 = calendar month)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def span_text(self) -> str:
        return f"{cn_date(self.start)}至{cn_date(self.last_day)}"

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def previous_words(self) -> str:
        return PREVIOUS_WORDS[self.kind]

    def previous(self) -> "Period":
        """The period 环比 compares with."""
        if self.kind == "week":
            return week_of(self.start - timedelta(days=7))
        if self.kind == "month":
            y, m = _month_key(self)
            y, m = (y - 1, 12) if m == 1 else (y, m - 1)
            return month(y, m, self.month_start_day)
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return quarter(self.start.year - 1, 4) if q == 1 else quarter(self.start.year, q - 1)
        if self.kind == "year":
            return year(self.start.year - 1)
        return custom(self.start - timedelta(days=self.days), self.start)

    def year_ago(self) -> "Period":
        """The period 同比 compares with."""
        if self.kind == "week":
            iso = self.start.isocalendar()
            return week_of(_iso_monday(iso.year - 1, min(iso.week, 52)))
        if self.kind == "month":
            y, m = _month_key(self)
            return month(y - 1, m, self.month_start_day)
        if self.kind == "quarter":
            return quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind == "year":
            return year(self.start.year - 1)
        return custom(_year_before(self.start), _year_before(self.end))


def cn_date(day: date) -> str:
    """2026年11月1日: the 公文 way, without leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _iso_monday(iso_year: int, week: int) -> date:
    return date.fromisocalendar(iso_year, week, 1)


def _month_key(p: Period) -> tuple[int, int]:
    """(year, month) a month period is named after: the month its last day falls in."""
    return p.last_day.year, p.last_day.month


def week_of(day: date) -> Period:
    """The natural week (Monday to Sunday) holding `day`."""
    monday = day - timedelta(days=day.weekday())
    iso = monday.isocalendar()
    return Period("week", monday, monday + timedelta(days=7), f"{iso.year}年第{iso.week}周")


def month(y: int, m: int, start_day: int = 1) -> Period:
    """Month `m` of `y`. start_day 1: the calendar month; start_day 21: the 统计月 from the 21st of the
    month before to the 20th of month m (淮安's rule), named after month m."""
    if not 1 <= m <= 12:
        raise ValueError(f"月份应为 1–12，收到 {m}")
    if not 1 <= start_day <= 28:
        raise ValueError(f"统计月起始日应为 1–28，收到 {start_day}")
    first = date(y, m, 1)
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    if start_day == 1:
        return Period("month", first, nxt, f"{y}年{m}月")
    prev_first = date(y - (m == 1), (m - 2) % 12 + 1, 1)
    return Period("month", prev_first.replace(day=start_day), first.replace(day=start_day), f"{y}年{m}月",
                  month_start_day=start_day)


def quarter(y: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise ValueError(f"季度应为 1–4，收到 {q}")
    start = date(y, 3 * q - 2, 1)
    end = date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)
    return Period("quarter", start, end, f"{y}年第{'一二三四'[q - 1]}季度")


def year(y: int) -> Period:
    return Period("year", date(y, 1, 1), date(y + 1, 1, 1), f"{y}年")


def custom(start: date, end: date) -> Period:
    """[start, end): end is the day after the last day."""
    if end <= start:
        raise ValueError("结束日期必须晚于开始日期")
    last = end - timedelta(days=1)
    return Period("custom", start, end, f"{cn_date(start)}至{cn_date(last)}")


def last_complete(kind: str, today: date, month_start_day: int = 1) -> Period:
    """The latest period of `kind` that has ended before `today` (what a schedule reports on)."""
    if kind == "week":
        return week_of(today - timedelta(days=today.weekday() + 7))
    if kind == "month":
        y, m = today.year, today.month
        if month_start_day > 1 and today.day >= month_start_day:
            return month(y, m, month_start_day)     # the 统计月 ending on the (start_day − 1)th has ended
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        return month(y, m, month_start_day)
    if kind == "quarter":
        q = (today.month - 1) // 3 + 1
        return quarter(today.year - 1, 4) if q == 1 else quarter(today.year, q - 1)
    if kind == "year":
        return year(today.year - 1)
    raise ValueError(f"未知的通报周期：{kind}")


def parse_month(text: str) -> tuple[int, int]:
    """'2026-11' -> (2026, 11), with a Chinese message for anything else."""
    try:
        y, m = text.strip().split("-")
        y, m = int(y), int(m)
        if not (2000 <= y <= 2100 and 1 <= m <= 12):
            raise ValueError
        return y, m
    except ValueError:
        raise ValueError(f"月份格式应为 YYYY-MM（例如 2026-11），收到 {text!r}") from None
