"""预计办结: expected completion of open cases, learned from recent closures. No streamlit.

For each 小类 × responsible unit: median and P90 of the working hours from first dispatch to closure
(approved 缓办 pauses taken off) over the closures of a trailing window; when that pair has fewer
than `min_cases` closures, the 小类's figures, then the 大类's (the rule used is returned with every
estimate). A dispatched open case is expected to close at dispatch + median working hours, and 90%
of such cases close by dispatch + P90 working hours (converted to a date with data.worktime).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from data.worktime import WorkCalendar
from queries import snapshot_facts
from queries.kpi_daily import is_duckdb
from queries.runner import CursorSource, fetch
from queries.scope import Access, Scope
from queries.worktime_sql import office_key, office_params

_DATA_SQL = Path(__file__).resolve().parents[1] / "data" / "sql"
_INSERT_DAY_PATH = _DATA_SQL / "insert_expected_stats_day.sql"
_INSERT_CALIBRATION_PATHS = {"expected_calibration_closed_model": _DATA_SQL / "insert_expected_calibration_closed.sql",
                             "expected_calibration_open_model": _DATA_SQL / "insert_expected_calibration_open.sql"}

LEVEL_ZH = {"unit_category": "本单位该小类", "category": "该小类（全部单位）", "major": "该大类（全部单位）"}
FALLBACK = ("unit_category", "category", "major")

METHOD_ZH = (
    "预计办结：取最近 {days} 天内结案的案件（不含作废、挂账、网格员自行处置），计算从首次派遣到结案的工作时"
    "（扣除经批准的缓办暂停时间）的中位数与第 90 百分位（P90）。按“本单位该小类”分组；该组结案不足 {min_cases} 件时"
    "改用“该小类（全部单位）”，仍不足则用“该大类（全部单位）”，每个预计旁注明所用规则。"
    "在办案件：预计办结时间 = 派遣时间 + 中位数工作时，“90% 在……前” = 派遣时间 + P90 工作时，按办公时间与节假日（含调休）换算为日期。"
)


@dataclass(frozen=True)
class Estimate:
    level: str               # unit_category | category | major
    cases: int               # closures behind the figures
    median_hours: float
    p90_hours: float

    @property
    def rule_zh(self) -> str:
        return f"依据{LEVEL_ZH[self.level]}近期 {self.cases} 件结案"


def clocked_at_publish(source: CursorSource, scope: Scope, office: dict) -> bool:
    """True when the snapshot's cases carry working minutes clocked under the office hours `office`
    (data.store.refresh_case_work_minutes), so the 预计办结 queries read them instead of clocking each
    case (the *_clocked.sql files: same figures, ~10x the cost at 10M cases). DuckDB only, as
    queries/kpi_daily.py: ClickHouse engines take the clocked files, which the golden test compares."""
    if not is_duckdb(source):
        return False
    return snapshot_facts.row(source, "work_minutes_office", scope, fetch)["office"] == office_key(office)


def grant_key(scope: Scope) -> str | None:
    """The key of expected_stats_day's rows for `scope`: '*' for a whole-city grant, the district's code
    for a grant of exactly one district (no streets, no units); None for any other grant or when any
    filter is set (scoped_expected_stats_day applies the same rule in SQL)."""
    if scope.unfiltered() != scope:
        return None
    access = scope.access
    if access.all_districts:
        return "*"
    if len(access.districts) == 1 and not access.streets and not access.units:
        return access.districts[0]
    return None


def built_for(source: CursorSource, scope: Scope, as_of: datetime, window_days: int, office: dict) -> bool:
    """True when expected_stats_day holds `scope`'s figures for exactly this as-of time, window and
    office hours (built at publish for the publish day; any other day, window or hours runs the query)."""
    if grant_key(scope) is None or not is_duckdb(source) or as_of != datetime.combine(as_of.date(), time()):
        return False
    build = snapshot_facts.row(source, "expected_stats_day_build", scope, fetch)
    return (not pd.isna(build["as_of_day"]) and pd.Timestamp(build["as_of_day"]).date() == as_of.date()
            and int(build["window_days"]) == int(window_days) and build["office"] == office_key(office))


def expected_stats(source: CursorSource, scope: Scope, as_of: datetime, window_days: int) -> pd.DataFrame:
    """Rows of expected_stats.sql: level, unit_code, category_code, major_code, cases, hours_median, hours_p90."""
    office = office_params()
    if built_for(source, scope, as_of, window_days, office):
        return fetch(source, "expected_stats_day", scope)
    if clocked_at_publish(source, scope, office):
        return fetch(source, "expected_stats", scope, as_of=as_of, window_days=int(window_days))
    return fetch(source, "expected_stats_clocked", scope, as_of=as_of, window_days=int(window_days), **office)


def built_grants(con) -> list[tuple[str, Access]]:
    """The grants whose 预计办结 figures every publish builds, most officials' (key as grant_key gives it):
    the whole city ('*') and each district with cases."""
    districts = [r[0] for r in con.execute(
        "SELECT DISTINCT district_code FROM cases WHERE district_code IS NOT NULL ORDER BY 1").fetchall()]
    return [("*", Access.city("全市"))] + [(d, Access.for_districts((d,), d)) for d in districts]


def build_day(con, as_of: datetime, window_days: int) -> tuple[str, int]:
    """Fills expected_stats_day (emptied first) with expected_stats' frame for the whole city and for each
    district with cases, as of `as_of`: the very function the dashboard calls, so the rows are the query's.
    Returns (office key the figures hold for, rows). The caller records the build in meta."""
    con.execute("DELETE FROM expected_stats_day")
    insert_sql = _INSERT_DAY_PATH.read_text(encoding="utf-8")
    for key, access in built_grants(con):
        scope = Scope(as_of.date(), as_of.date(), access=access, now_at=as_of)
        frame = expected_stats(con, scope, as_of, window_days)
        con.register("expected_frame", frame)
        try:
            con.execute(insert_sql, {"grant_key": key})
        finally:
            con.unregister("expected_frame")
    rows = con.execute("SELECT count(*) FROM expected_stats_day").fetchone()[0]
    return office_key(office_params()), rows


def _lookup(stats: pd.DataFrame) -> dict[tuple, tuple[int, float, float]]:
    table = {}
    for row in stats.itertuples(index=False):
        key = {"unit_category": (row.level, row.unit_code, row.category_code),
               "category": (row.level, row.category_code), "major": (row.level, row.major_code),
               "unit": (row.level, row.unit_code)}[row.level]
        table[key] = (int(row.cases), float(row.hours_median), float(row.hours_p90))
    return table


class Estimator:
    """Picks the figures for a case by the fallback rule."""

    def __init__(self, stats: pd.DataFrame, min_cases: int):
        self._table = _lookup(stats)
        self.min_cases = int(min_cases)

    def estimate(self, unit_code, category_code, major_code) -> Estimate | None:
        for level, key in (("unit_category", (unit_code, category_code)), ("category", (category_code,)),
                           ("major", (major_code,))):
            found = self._table.get((level, *key))
            if found and found[0] >= self.min_cases:
                return Estimate(level, *found)
        return None

    def unit_figures(self, unit_code) -> tuple[int, float, float] | None:
        """(closures, median, P90) of all the unit's closures in the window, for the league column."""
        return self._table.get(("unit", unit_code))


def predict(rows: pd.DataFrame, estimator: Estimator, calendar: WorkCalendar) -> pd.DataFrame:
    """`rows` (one per case: unit_code, category_code, major_code, dispatched_at, deferred_hours,
    closed_at, status) plus expected_at, p90_at, expected_rule_zh and expected_zh for open,
    dispatched, not cancelled or shelved cases (None elsewhere)."""
    out = rows.copy()
    expected, p90, rule, text = [], [], [], []
    for row in rows.itertuples(index=False):
        open_dispatched = pd.isna(row.closed_at) and pd.notna(row.dispatched_at) \
            and row.status not in ("cancelled", "shelved", "not_filed")
        est = estimator.estimate(row.unit_code, row.category_code, row.major_code) if open_dispatched else None
        if est is None:
            expected.append(None), p90.append(None), rule.append(None), text.append(None)
            continue
        paused = float(row.deferred_hours or 0.0)
        at = calendar.add_one(pd.Timestamp(row.dispatched_at).to_pydatetime(), est.median_hours, "work_hours", paused)
        late = calendar.add_one(pd.Timestamp(row.dispatched_at).to_pydatetime(), est.p90_hours, "work_hours", paused)
        expected.append(at), p90.append(late), rule.append(est.rule_zh)
        text.append(expected_text(at, late))
    out["expected_at"] = pd.Series(expected, index=out.index, dtype="datetime64[us]")
    out["p90_at"] = pd.Series(p90, index=out.index, dtype="datetime64[us]")
    out["expected_rule_zh"] = rule
    out["expected_zh"] = text
    return out


def expected_text(expected_at: datetime, p90_at: datetime) -> str:
    """'预计 11月12日 前后办结，90% 在 11月15日 前'."""
    return f"预计 {expected_at.month}月{expected_at.day}日 前后办结，90% 在 {p90_at.month}月{p90_at.day}日 前"


def last_closed_quarter(today: date) -> tuple[date, date]:
    """[start, end) of the last calendar quarter that ended before `today`."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = date(today.year, first_month, 1)
    start_month = first_month - 3
    start = date(end.year - 1, start_month + 12, 1) if start_month < 1 else date(end.year, start_month, 1)
    return start, end


def calibration(source: CursorSource, scope: Scope, quarter: tuple[date, date], window_days: int,
                min_cases: int) -> pd.DataFrame:
    """Share of the quarter's dispatched cases that closed within the P90 predicted at the quarter's
    start: rows level ('all' first, then each fallback level used), cases, within_p90, undecided, rate."""
    office = office_params()
    params = _quarter_params(quarter, window_days, min_cases)
    built = calibration_built_for(source, scope, quarter, window_days, min_cases, office)
    if built or clocked_at_publish(source, scope, office):
        frame = fetch(source, "expected_calibration", scope, built=built, **params, **office)
    else:
        frame = fetch(source, "expected_calibration_clocked", scope, **params, **office)
    frame["rate"] = frame["within_p90"] / frame["cases"].where(frame["cases"] > 0)
    return frame


def _quarter_params(quarter: tuple[date, date], window_days: int, min_cases: int) -> dict:
    start, end = quarter
    return {"q_start": datetime.combine(start, time()), "q_end": datetime.combine(end, time()),
            "window_days": int(window_days), "min_volume": int(min_cases)}


def calibration_built_for(source: CursorSource, scope: Scope, quarter: tuple[date, date], window_days: int,
                          min_cases: int, office: dict) -> bool:
    """True when expected_calibration_closed / _open hold `scope`'s grant for exactly this quarter, window,
    minimum closures and office hours (built at publish for the last quarter closed before the publish
    day; any other quarter, parameters, grant, filter or engine computes the model)."""
    if grant_key(scope) is None or not is_duckdb(source):
        return False
    build = snapshot_facts.row(source, "expected_calibration_build", scope, fetch)
    return (not pd.isna(build["q_start"]) and pd.Timestamp(build["q_start"]).date() == quarter[0]
            and pd.Timestamp(build["q_end"]).date() == quarter[1] and int(build["window_days"]) == int(window_days)
            and int(build["min_volume"]) == int(min_cases) and build["office"] == office_key(office))


def build_calibration(con, quarter: tuple[date, date], window_days: int, min_cases: int) -> tuple[str, int]:
    """Fills expected_calibration_closed / _open (emptied first) for the whole city and each district with
    the quarter's closed cases per level and its open cases: the rows of _scoped.sql calibration_closed /
    calibration_open, which expected_calibration.sql reads when not built. Returns (office key, open rows).
    The caller records the build in meta."""
    con.execute("DELETE FROM expected_calibration_closed")
    con.execute("DELETE FROM expected_calibration_open")
    params = _quarter_params(quarter, window_days, min_cases)
    inserts = {name: path.read_text(encoding="utf-8") for name, path in _INSERT_CALIBRATION_PATHS.items()}
    for key, access in built_grants(con):
        scope = Scope(quarter[0], quarter[0], access=access, now_at=datetime.combine(quarter[1], time()))
        for name, insert_sql in inserts.items():
            con.register("calibration_frame", fetch(con, name, scope, **params))
            try:
                con.execute(insert_sql, {"grant_key": key})
            finally:
                con.unregister("calibration_frame")
    rows = con.execute("SELECT count(*) FROM expected_calibration_open").fetchone()[0]
    return office_key(office_params()), rows


def quarter_label(quarter: tuple[date, date]) -> str:
    start, _ = quarter
    return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"


def window_end(scope: Scope) -> datetime:
    """The model's as-of time: the start of today (figures stay the same all day, so cache well)."""
    return datetime.combine(scope.now_at.date(), time())


__all__ = ["Estimate", "Estimator", "expected_stats", "predict", "calibration", "last_closed_quarter",
           "expected_text", "quarter_label", "window_end"]
