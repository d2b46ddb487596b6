"""Working-time calendar for case deadlines (工作时 / 工作日) and handling durations.

Working time is the office periods of working days. Working days come from, in order of
precedence: the operator's override file, the `chinesecalendar` package (holidays and 调休
make-up days, 2004-2026), and otherwise the statutory holidays of 《全国年节及纪念日放假办法》
(data/holidays.py) on top of Monday-Friday: the "statutory fallback", whose 调休 days are unknown,
so its years are reported in `missing_years` and named by `warning_text`. Timestamps are naive local time (Asia/Shanghai).

Vectorised calls map each timestamp to a "working-microsecond index" (working time elapsed
since the start of the calendar span) with per-day cumulative arrays, do arithmetic on that
index and map it back through the ordinal of the working day: no per-row Python code.
"""
from __future__ import annotations

import csv
import datetime as dt
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from chinese_calendar import constants as cc

from data.holidays import RULE_NAME, statutory_days_off

REPO_ROOT = Path(__file__).resolve().parent.parent
UNITS = ("work_hours", "work_days", "natural_hours")
US_PER_HOUR = 3_600_000_000
US_PER_DAY = 86_400_000_000
PACKAGE_YEARS = range(min(cc.holidays).year, max(cc.holidays).year + 1)
DEFAULT_PERIODS = (("08:30", "12:00"), ("14:00", "17:30"))
FALLBACK = "statutory_fallback"  # calendar.source of a day decided by data/holidays.py + weekdays
_NAT = np.iinfo(np.int64).min
# Rows per chunk: bounds temporaries whatever the row count, and at 64k rows they stay in cache and
# are reused by malloc instead of page-faulting fresh memory (~3x faster than 1M-row chunks at 10M rows).
_CHUNK_ROWS = 1 << 16


def _minute_of_day(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _zh_holiday(english: str) -> str:
    return cc.Holiday(english).chinese


def _as_us(values) -> tuple[np.ndarray, np.dtype]:
    """int64 microseconds (NaT = int64 min) and the dtype to return: ns stays ns, else us."""
    if isinstance(getattr(values, "dtype", None), pd.DatetimeTZDtype):  # numpy would silently shift to UTC
        raise TypeError("timestamps must be naive local time (Asia/Shanghai), not tz-aware")
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        arr = np.asarray(values, dtype="datetime64[us]")
    out = np.dtype("datetime64[ns]") if arr.dtype == np.dtype("datetime64[ns]") else np.dtype("datetime64[us]")
    return np.ravel(arr.astype("datetime64[us]", copy=False)).view(np.int64), out


def _year_ranges(years) -> str:
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def read_overrides(path) -> list[tuple[dt.date, bool, str | None]]:
    """Rows of the operator's calendar file: cal_date,is_workday(0/1),holiday_name; '#' lines are comments."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    rows = []
    for rec in csv.DictReader(lines):
        flag = rec["is_workday"].strip().lower()
        if flag not in ("0", "1", "true", "false"):
            raise ValueError(f"{path}: is_workday must be 0 or 1, got {rec['is_workday']!r} on {rec['cal_date']}")
        rows.append((dt.date.fromisoformat(rec["cal_date"].strip()), flag in ("1", "true"),
                     (rec.get("holiday_name") or "").strip() or None))
    return rows


@dataclass(frozen=True)
class _Span:
    """Per-day arrays for days day0 .. day0+len-1 (days since 1970-01-01). Never mutated."""
    day0: int
    workday: np.ndarray    # bool
    fallback: np.ndarray   # bool: decided by the weekend fallback
    cum_start: np.ndarray  # int64: working microseconds before the day starts
    workday_days: np.ndarray  # int64: days since 1970 of the working days, in order
    total_us: int          # working microseconds in the whole span


class WorkCalendar:
    """Working-day calendar plus office periods; thread-safe to share (e.g. st.cache_resource)."""

    def __init__(self, periods=DEFAULT_PERIODS, overrides=()):
        bounds = sorted((_minute_of_day(a), _minute_of_day(b)) for a, b in periods)
        if not bounds or any(a >= b for a, b in bounds) or bounds[-1][1] > 24 * 60 or any(
                b1 > a2 for (_, b1), (a2, _) in zip(bounds, bounds[1:])):
            raise ValueError(f"office periods must be non-empty, ordered and non-overlapping: {periods!r}")
        self.periods = tuple((f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}") for a, b in bounds)
        self._starts_us = np.array([a for a, _ in bounds], np.int64) * 60_000_000
        self._lens_us = np.array([b - a for a, b in bounds], np.int64) * 60_000_000
        self._period_ends_us = np.cumsum(self._lens_us)  # working time of the day at each period end
        self._period_shift_us = self._starts_us - (self._period_ends_us - self._lens_us)  # time of day - working time
        self.workday_us = int(self._lens_us.sum())
        self.workday_hours = self.workday_us / US_PER_HOUR
        self._overrides: dict[dt.date, tuple[bool, str | None]] = {}
        for day, is_workday, name in overrides:
            day = dt.date.fromisoformat(day) if isinstance(day, str) else day
            if day in self._overrides:
                raise ValueError(f"calendar override for {day} given twice")
            self._overrides[day] = (bool(int(is_workday)), name or None)
        # A year with any override row is the operator's published schedule for that year:
        # its other days follow the weekday rule and are not a fallback.
        self._override_years = frozenset(day.year for day in self._overrides)
        self._lock = threading.Lock()
        self._span: _Span | None = None
        self._missing: set[int] = set()

    @classmethod
    def from_config(cls, city_toml_path=REPO_ROOT / "data/reference/city.toml", overrides_path=None):
        """Periods from [office_hours].periods; overrides from overrides_path or [calendar].overrides
        (relative paths are relative to the repository root, like every path in city.toml)."""
        with open(city_toml_path, "rb") as f:
            config = tomllib.load(f)
        periods = config.get("office_hours", {}).get("periods", DEFAULT_PERIODS)
        if overrides_path is None and "overrides" in config.get("calendar", {}):
            overrides_path = REPO_ROOT / config["calendar"]["overrides"]
        return cls(periods, read_overrides(overrides_path) if overrides_path else ())

    # ── days ──────────────────────────────────────────────────────────────
    def _day(self, day: dt.date) -> tuple[bool, str | None, str]:
        """(is_workday, holiday_name, source) of one date, without recording missing years."""
        if day in self._overrides:
            return (*self._overrides[day], "override")
        if day.year in self._override_years:
            return day.weekday() < 5, None, "override"
        if day.year not in PACKAGE_YEARS:
            name = statutory_days_off(day.year).get(day)
            return (False, name, FALLBACK) if name else (day.weekday() < 5, None, FALLBACK)
        if day in cc.workdays:
            return True, f"{_zh_holiday(cc.workdays[day])}调休", "chinesecalendar"
        if day in cc.holidays:
            return False, _zh_holiday(cc.holidays[day]), "chinesecalendar"
        return day.weekday() < 5, None, "chinesecalendar"

    def _note_fallback_years(self, years) -> None:
        with self._lock:
            self._missing.update(int(y) for y in years)

    @property
    def missing_years(self) -> tuple[int, ...]:
        """Years whose dates were used by some call but are covered by neither the package nor the overrides."""
        with self._lock:
            return tuple(sorted(self._missing))

    @property
    def override_years(self) -> tuple[int, ...]:
        """Years the operator's override file publishes a schedule for."""
        return tuple(sorted(self._override_years))

    def uncovered_years(self, years) -> tuple[int, ...]:
        """Years among `years` that neither chinesecalendar nor the override file covers."""
        return tuple(sorted({int(y) for y in years} - set(PACKAGE_YEARS) - self._override_years))

    def warning_text(self, years=None) -> str | None:
        """The warning naming missing years: those `years` not covered (e.g. the years the data spans),
        or, without `years`, the years some call actually fell back on."""
        years = self.missing_years if years is None else self.uncovered_years(years)
        return (f"日历缺少 {_year_ranges(years)} 年国务院放假安排：法定节假日已按{RULE_NAME}推算，"
                "调休上班日未知") if years else None

    def is_workday(self, day: dt.date) -> bool:
        day = day.date() if isinstance(day, dt.datetime) else day
        is_workday, _, source = self._day(day)
        if source == FALLBACK:
            self._note_fallback_years([day.year])
        return is_workday

    def calendar_frame(self, start_date: dt.date, end_date: dt.date) -> pd.DataFrame:
        """Rows of the `calendar` table for start_date..end_date inclusive."""
        days = [start_date + dt.timedelta(days=i) for i in range((end_date - start_date).days + 1)]
        info = [self._day(day) for day in days]
        self._note_fallback_years({d.year for d, i in zip(days, info) if i[2] == FALLBACK})
        return pd.DataFrame({"cal_date": pd.Series(days, dtype=object),
                             "is_workday": pd.Series([i[0] for i in info], dtype=bool),
                             "holiday_name": pd.Series([i[1] for i in info], dtype=object),
                             "source": pd.Series([i[2] for i in info], dtype=object)})

    def _span_for(self, lo_day: int, hi_day: int) -> _Span:
        """A span covering lo_day..hi_day, padded to whole years ± 1; replaced atomically when grown."""
        with self._lock:
            span = self._span
            if span is not None and span.day0 <= lo_day and hi_day < span.day0 + len(span.workday):
                return span
            year = lambda d: int(np.datetime64(int(d), "D").astype("datetime64[Y]").astype(int)) + 1970
            first, last = year(lo_day) - 1, year(hi_day) + 1
            if span is not None:
                first, last = min(first, year(span.day0)), max(last, year(span.day0 + len(span.workday) - 1))
            days = np.arange(np.datetime64(f"{first}-01-01"), np.datetime64(f"{last + 1}-01-01"))
            info = [self._day(d) for d in days.astype(object)]
            workday = np.fromiter((i[0] for i in info), bool, len(info))
            day_us = np.where(workday, self.workday_us, 0).astype(np.int64)
            cum_end = np.cumsum(day_us)
            self._span = _Span(int(days[0].astype(np.int64)), workday,
                               np.fromiter((i[2] == FALLBACK for i in info), bool, len(info)),
                               cum_end - day_us, days[workday].astype(np.int64), int(cum_end[-1]))
            return self._span

    def _note_span_use(self, span: _Span, lo_day: int, hi_day: int) -> None:
        used = np.flatnonzero(span.fallback[lo_day - span.day0: hi_day - span.day0 + 1]) + lo_day
        if used.size:
            self._note_fallback_years(np.unique(used.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970))

    # ── vectorised arithmetic ─────────────────────────────────────────────
    def _index(self, span: _Span, t: np.ndarray) -> np.ndarray:
        """Working-microsecond index of valid int64-us timestamps t."""
        days = t // US_PER_DAY
        time_of_day = t - days * US_PER_DAY
        di = days - span.day0
        within = np.zeros(t.shape, np.int64)
        for start_us, len_us in zip(self._starts_us, self._lens_us):
            within += np.clip(time_of_day - start_us, 0, len_us)
        return span.cum_start[di] + within * span.workday[di]

    def _instant(self, span: _Span, x: np.ndarray) -> np.ndarray:
        """Earliest timestamp whose index is x (x >= 1): an index at a period's end maps to that end.
        Every working day holds workday_us, so x falls on working day number (x - 1) // workday_us."""
        ordinal = (x - 1) // self.workday_us
        into_day = x - ordinal * self.workday_us  # in (0, workday_us]
        k = np.zeros(x.shape, np.intp)
        for period_end_us in self._period_ends_us[:-1]:
            k += into_day > period_end_us
        return span.workday_days[ordinal] * US_PER_DAY + into_day + self._period_shift_us[k]

    def _unit_codes(self, unit, n: int):
        """(per-row code, working hours per unit amount by code, is_natural by code)."""
        names = np.array([unit], dtype=object) if isinstance(unit, str) else None
        codes = np.broadcast_to(np.intp(0), (n,))
        if isinstance(unit, pd.Categorical):  # already factorized: no per-row string work
            codes, names = unit.codes, np.asarray(unit.categories, dtype=object)
        elif names is None:
            codes, names = pd.factorize(np.ravel(np.asarray(unit, dtype=object)))
            names = np.asarray(names, dtype=object)
        unknown = sorted(set(map(str, names)) - set(UNITS)) + (["<null>"] if (codes < 0).any() else [])
        if unknown:
            raise ValueError(f"unknown time-limit units {unknown}; expected one of {UNITS}")
        return codes, np.where(names == "work_days", self.workday_hours, 1.0), names == "natural_hours"

    def add(self, start, amount, unit, deferred_hours=0.0) -> np.ndarray:
        """Deadlines: start + amount in unit (+ deferred_hours working hours), per row.

        work_hours / work_days count office time from the next office instant at or after start;
        a result exactly at a period's end stays there; amount 0 gives the next office instant.
        natural_hours add clock hours; any deferred hours are then added as working hours.
        NaT start or NaN amount gives NaT. Negative amounts raise ValueError.
        """
        t, out_dtype = _as_us(start)
        n = t.size
        amount = np.broadcast_to(np.asarray(amount, dtype=float).ravel() if np.ndim(amount) else float(amount), (n,))
        deferred = np.broadcast_to(np.asarray(deferred_hours, dtype=float).ravel() if np.ndim(deferred_hours)
                                   else float(deferred_hours), (n,))
        if (amount < 0).any() or (deferred < 0).any():
            raise ValueError("time-limit amounts and deferred_hours must be >= 0")
        codes, per_unit, natural = self._unit_codes(unit, n)
        out = np.empty(n, np.int64)
        for lo in range(0, n, _CHUNK_ROWS):
            sl = slice(lo, lo + _CHUNK_ROWS)
            out[sl] = self._add_chunk(t[sl], amount[sl], per_unit[codes[sl]], natural[codes[sl]], deferred[sl])
        return out.view("datetime64[us]").astype(out_dtype, copy=False)

    def _add_chunk(self, t, amount, per_unit, natural, deferred) -> np.ndarray:
        bad = (t == _NAT) | ~np.isfinite(amount) | ~np.isfinite(deferred)
        if bad.all():
            return np.full(t.shape, _NAT)
        amount, deferred = np.where(bad, 0.0, amount), np.where(bad, 0.0, deferred)
        deferred_us = np.rint(deferred * US_PER_HOUR).astype(np.int64)
        natural_us = np.where(natural, np.rint(amount * US_PER_HOUR), 0).astype(np.int64)
        work_us = np.where(natural, 0, np.rint(amount * per_unit * US_PER_HOUR)).astype(np.int64) + deferred_us
        t = np.where(bad, t[~bad][0], t)
        clock = t + natural_us  # where working time starts counting
        zero = (work_us == 0).astype(np.int64)  # instant(x + 1us) - 1us = next office instant >= clock
        lo_day, hi_day = int(t.min() // US_PER_DAY), int(clock.max() // US_PER_DAY)
        while True:  # grow the span until it holds the furthest deadline
            span = self._span_for(lo_day, hi_day)
            x = self._index(span, clock) + work_us + zero
            if x.max() <= span.total_us:
                break
            hi_day = span.day0 + len(span.workday) + 366
        clock_only = natural & (deferred_us == 0)
        due = np.where(clock_only, clock, self._instant(span, x) - zero)
        used = ~bad & ~clock_only  # rows that read the calendar
        if used.any():
            self._note_span_use(span, int(t[used].min() // US_PER_DAY), int(due[used].max() // US_PER_DAY))
        return np.where(bad, _NAT, due)

    def work_hours_between(self, a, b) -> np.ndarray:
        """Working hours in [a, b) per row; 0 where b <= a; NaN where either is NaT."""
        ta, _ = _as_us(a)
        tb, _ = _as_us(b)
        ta, tb = np.broadcast_arrays(ta, tb)
        out = np.full(ta.shape, np.nan)
        for lo in range(0, ta.size, _CHUNK_ROWS):
            sa, sb = ta[lo:lo + _CHUNK_ROWS], tb[lo:lo + _CHUNK_ROWS]
            ok = (sa != _NAT) & (sb != _NAT)
            if not ok.any():
                continue
            sa, sb = np.where(ok, sa, sa[ok][0]), np.where(ok, sb, sb[ok][0])
            lo_day = int(min(sa.min(), sb.min()) // US_PER_DAY)
            hi_day = int(max(sa.max(), sb.max()) // US_PER_DAY)
            span = self._span_for(lo_day, hi_day)
            self._note_span_use(span, lo_day, hi_day)
            hours = np.maximum(self._index(span, sb) - self._index(span, sa), 0) / US_PER_HOUR
            out[lo:lo + _CHUNK_ROWS] = np.where(ok, hours, np.nan)
        return out

    # ── scalar reference implementation (a day-by-day walk, independent of the index) ──
    def _office_periods(self, day: dt.date):
        midnight = dt.datetime.combine(day, dt.time())
        for start_us, len_us in zip(self._starts_us.tolist(), self._lens_us.tolist()):
            yield (midnight + dt.timedelta(microseconds=start_us),
                   midnight + dt.timedelta(microseconds=start_us + len_us))

    def add_one(self, start: dt.datetime | None, amount: float, unit: str, deferred_hours: float = 0.0):
        """Scalar add(); None (or NaT) in gives None out."""
        if start is None or pd.isna(start):
            return None
        start = pd.Timestamp(start).to_pydatetime()
        _, per_unit, natural = self._unit_codes(unit, 1)
        per_unit, natural = per_unit[0], natural[0]
        if natural:
            start += dt.timedelta(microseconds=round(amount * US_PER_HOUR))
            if deferred_hours == 0:
                return start
            remaining = round(deferred_hours * US_PER_HOUR)
        else:
            remaining = round(amount * per_unit * US_PER_HOUR) + round(deferred_hours * US_PER_HOUR)
        day = start.date()
        while True:
            if self.is_workday(day):
                for begin, end in self._office_periods(day):
                    begin = max(begin, start)
                    if begin < end:
                        available = (end - begin) // dt.timedelta(microseconds=1)
                        if remaining <= available:
                            return begin + dt.timedelta(microseconds=remaining)
                        remaining -= available
            day += dt.timedelta(days=1)

    def work_hours_one(self, a: dt.datetime | None, b: dt.datetime | None) -> float:
        """Scalar work_hours_between()."""
        if a is None or b is None or pd.isna(a) or pd.isna(b):
            return float("nan")
        a, b = pd.Timestamp(a).to_pydatetime(), pd.Timestamp(b).to_pydatetime()
        total_us, day = 0, a.date()
        while day <= b.date():
            if self.is_workday(day):
                for begin, end in self._office_periods(day):
                    overlap = min(end, b) - max(begin, a)
                    total_us += max(overlap // dt.timedelta(microseconds=1), 0)
            day += dt.timedelta(days=1)
        return total_us / US_PER_HOUR


# ── time limits ─────────────────────────────────────────────────────────────
def load_time_limits(path=REPO_ROOT / "data/reference/time_limits.csv") -> pd.DataFrame:
    """time_limits.csv as a frame (category_code, step, amount, unit), validated."""
    limits = pd.read_csv(path, comment="#", dtype={"category_code": object, "step": object, "unit": object})
    limits["amount"] = limits["amount"].astype(float)
    unknown = set(limits["unit"]) - set(UNITS)
    if unknown or (limits["amount"] < 0).any() or limits.duplicated(["category_code", "step"]).any():
        raise ValueError(f"{path}: bad time limits (unknown units {sorted(unknown)}, negative or duplicate rows)")
    return limits[["category_code", "step", "amount", "unit"]]


def limits_for(limits: pd.DataFrame, categories, step: str) -> tuple[np.ndarray, np.ndarray]:
    """(amount, unit) arrays for each category at one step; '*' is the default for unlisted codes."""
    rows = limits[limits["step"] == step]
    if not isinstance(categories, (pd.Series, pd.Index, np.ndarray)):
        categories = np.asarray(categories, dtype=object)
    codes, uniques = pd.factorize(categories)  # hash the (maybe 10M) rows once, look up the few uniques
    idx = np.append(pd.Index(rows["category_code"]).get_indexer(uniques), -1)  # -1: no row (code -1 = null)
    if "*" in set(rows["category_code"]):
        idx[idx < 0] = np.flatnonzero(rows["category_code"].to_numpy() == "*")[0]
    elif (idx[codes] < 0).any():
        missing = [uniques[c] if c >= 0 else None for c in np.unique(codes[idx[codes] < 0])[:10]]
        raise KeyError(f"no time limit for step {step!r} and categories {missing} (and no '*' row)")
    idx = idx[codes]
    return rows["amount"].to_numpy(float)[idx], rows["unit"].to_numpy(object)[idx]
