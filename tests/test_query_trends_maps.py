"""SQL unit tests for the trend and map queries and the filter option lists: a few rows, exact results."""
from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, datetime

import pandas as pd
import pytest

from queries import cases as q
from queries import maps as mq
from queries import trends as tq
from queries.scope import Access, Scope
from tests.builders import add_case, new_db

NOW = datetime(2026, 11, 23, 10, 0)


def scope(start: date, end: date, **kw) -> Scope:
    return Scope(start_date=start, end_date=end, access=Access.demo(), now_at=NOW, **kw)


@pytest.fixture
def con():
    c = new_db()
    yield c
    c.close()


def accepted(con, at: datetime, **kw) -> int:
    return add_case(con, reported_at=at, accepted_at=at, status="accepted", **kw)


def _plain(value):
    """DATE columns arrive as pandas Timestamps at midnight: compare them as dates."""
    return value.date() if isinstance(value, pd.Timestamp) else value


def rows(frame, columns):
    return [tuple(_plain(v) for v in r) for r in frame[columns].itertuples(index=False)]


# ───────────────────────── trends ─────────────────────────

def test_weekly_series_compares_partial_weeks_with_the_same_days_before_and_a_year_earlier(con):
    # Window Wed 4 Nov – Wed 11 Nov 2026 (end exclusive 12 Nov): two partial ISO weeks.
    for at in (datetime(2026, 11, 4, 10), datetime(2026, 11, 8, 10),          # week of 2 Nov, in window
               datetime(2026, 11, 9, 0, 0), datetime(2026, 11, 11, 23, 59),     # week of 9 Nov
               datetime(2026, 11, 12, 0, 0),                                    # exclusive end: out
               datetime(2026, 11, 2, 9), datetime(2026, 10, 28, 9), datetime(2026, 10, 27, 9),  # before
               datetime(2025, 11, 5, 9), datetime(2025, 11, 4, 9)):            # a year (52 weeks) back
        accepted(con, at)
    accepted(con, datetime(2026, 11, 8, 11), is_cancelled=True)               # cancelled: never counted
    series = tq.trend_series(con, scope(date(2026, 11, 4), date(2026, 11, 12)), "week")
    assert rows(series, ["bucket_start", "is_partial", "case_count", "previous_count", "year_ago_count"]) == [
        # week of 2 Nov covers 4–8 Nov; before: 28 Oct–1 Nov; a year back: 5–9 Nov 2025
        (date(2026, 11, 2), True, 2, 1, 1),
        # week of 9 Nov covers 9–11 Nov; before: 2–4 Nov; a year back: 10–12 Nov 2025
        (date(2026, 11, 9), True, 2, 2, 0),
    ]
    assert rows(series, ["covered_from", "covered_until"]) == [
        (date(2026, 11, 4), date(2026, 11, 9)), (date(2026, 11, 9), date(2026, 11, 12))]


def test_a_comparison_reaching_before_the_first_data_is_missing_not_zero(con):
    accepted(con, datetime(2026, 11, 4, 10))
    series = tq.trend_series(con, scope(date(2026, 11, 4), date(2026, 11, 12)), "week", data_start=date(2025, 11, 6))
    assert series.year_ago_count.isna().tolist() == [True, False]
    assert series.previous_count.tolist() == [0, 1]


def test_monthly_series_counts_closed_cases_by_closing_day(con):
    add_case(con, reported_at=datetime(2026, 10, 1, 9), closed_at=datetime(2026, 10, 5, 9), status="closed")
    add_case(con, reported_at=datetime(2026, 10, 1, 9), closed_at=datetime(2026, 10, 20, 9), status="closed")
    add_case(con, reported_at=datetime(2026, 10, 1, 9), closed_at=datetime(2026, 11, 3, 9), status="closed")
    accepted(con, datetime(2026, 11, 3, 9))                                    # accepted, not closed
    series = tq.trend_series(con, scope(date(2026, 11, 1), date(2026, 11, 11)), "month", "closed")
    # November 1–10 against October 1–10: only the case closed on 5 Oct is in the same stretch
    assert rows(series, ["bucket_start", "is_partial", "case_count", "previous_count"]) == [
        (date(2026, 11, 1), True, 1, 1)]


def test_daily_series_has_every_day_of_the_window(con):
    accepted(con, datetime(2026, 11, 2, 9))
    series = tq.trend_series(con, scope(date(2026, 11, 1), date(2026, 11, 4)), "day")
    assert [_plain(d) for d in series.bucket_start] == [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]
    assert series.case_count.tolist() == [0, 1, 0]
    assert series.previous_count.tolist() == [0, 0, 1]
    assert not series.is_partial.any()


def test_trend_series_refuses_an_unknown_grain_or_measure(con):
    with pytest.raises(ValueError):
        tq.trend_series(con, scope(date(2026, 11, 1), date(2026, 11, 4)), "hour")
    with pytest.raises(ValueError):
        tq.trend_series(con, scope(date(2026, 11, 1), date(2026, 11, 4)), "day", "due")


def test_the_window_its_previous_period_and_year_ago_count_their_own_cases(con):
    for at in (datetime(2026, 11, 10, 0, 0), datetime(2026, 11, 19, 23), datetime(2026, 11, 20, 0, 0),
               datetime(2026, 11, 9, 9), datetime(2026, 10, 31, 0, 0), datetime(2026, 10, 30, 23),
               datetime(2025, 11, 12, 9), datetime(2025, 11, 20, 0, 0)):
        accepted(con, at)
    add_case(con, reported_at=datetime(2026, 11, 1, 9), filed_at=datetime(2026, 11, 12, 9),
             closed_at=datetime(2026, 11, 15, 9), status="closed")
    window = scope(date(2026, 11, 10), date(2026, 11, 20))
    # 趋势's 本期 / 环比 / 同比 cards: the KPI count of each window, asked for one column at a time
    one = lambda s, name: int(q.case_kpis(con, s, (f"{name}_count",))[f"{name}_count"])  # noqa: E731
    counts = {(label, name): one(s, name) for label, s in (("now", window), ("previous", window.previous_period()),
                                                           ("year_ago", window.year_ago()))
              for name in ("accepted", "filed", "closed")}
    assert (counts["now", "accepted"], counts["previous", "accepted"], counts["year_ago", "accepted"]) == (2, 2, 1)
    assert (counts["now", "filed"], counts["now", "closed"], counts["previous", "closed"]) == (1, 1, 0)
    # one column at a time gives what the whole KPI row gives
    for label, s in (("now", window), ("previous", window.previous_period()), ("year_ago", window.year_ago())):
        kpis = q.case_kpis(con, s)
        for name in ("accepted", "filed", "closed"):
            assert counts[label, name] == kpis[f"{name}_count"], (label, name)


def test_top_categories_rank_per_kind_with_share_and_previous_period(con):
    con.execute("INSERT INTO categories VALUES ('S0102', 'event', 'S01', '市容环境', '02', '积存垃圾渣土')")
    for _ in range(3):
        accepted(con, datetime(2026, 11, 12, 9))
    accepted(con, datetime(2026, 11, 12, 9), category_code="S0102")
    accepted(con, datetime(2026, 11, 5, 9), category_code="S0102")            # previous period (1–10 Nov)
    accepted(con, datetime(2026, 11, 6, 9), category_code="S0102")
    accepted(con, datetime(2026, 11, 12, 9), kind="component", category_code="B0201", major_code="B02")
    top = tq.top_categories(con, scope(date(2026, 11, 11), date(2026, 11, 21)), 1)
    assert rows(top, ["kind", "rank", "category_code", "minor_name", "case_count", "kind_total", "previous_count"]) == [
        ("event", 1, "S0101", "暴露垃圾", 3, 4, 0), ("component", 1, "B0201", "路灯", 1, 1, 0)]
    assert top.share_rate.tolist() == [0.75, 1.0]
    both = tq.top_categories(con, scope(date(2026, 11, 11), date(2026, 11, 21)), 5)
    assert rows(both[both.kind == "event"], ["category_code", "case_count", "previous_count"]) == [
        ("S0101", 3, 0), ("S0102", 1, 2)]


def test_hour_weekday_counts_reports_by_isoweekday_and_hour(con):
    accepted(con, datetime(2026, 11, 2, 9, 5))     # Monday
    accepted(con, datetime(2026, 11, 2, 9, 55))
    accepted(con, datetime(2026, 11, 8, 23, 0))    # Sunday
    grid = tq.hour_weekday(con, scope(date(2026, 11, 1), date(2026, 11, 10)))
    assert rows(grid, ["weekday", "hour", "case_count"]) == [(1, 9, 2), (7, 23, 1)]


def test_source_mix_counts_per_week_and_source_with_names(con):
    accepted(con, datetime(2026, 11, 2, 9))
    accepted(con, datetime(2026, 11, 3, 9), source="hotline")
    accepted(con, datetime(2026, 11, 10, 9), source="hotline")
    mix = tq.source_mix(con, scope(date(2026, 11, 1), date(2026, 11, 15)), "week")
    assert rows(mix, ["bucket_start", "source_code", "source_name", "case_count"]) == [
        (date(2026, 11, 2), "grid", "网格员上报", 1), (date(2026, 11, 2), "hotline", "12345热线", 1),
        (date(2026, 11, 9), "hotline", "12345热线", 1)]


def test_handling_time_gives_median_and_p90_per_bucket_and_in_total(con):
    for hours in (1.0, 2.0, 3.0, 4.0, 100.0):
        add_case(con, reported_at=datetime(2026, 11, 2, 9), closed_at=datetime(2026, 11, 4, 9), status="closed",
                 handle_work_hours=hours, close_work_hours=hours + 1)
    add_case(con, reported_at=datetime(2026, 11, 2, 9), closed_at=datetime(2026, 11, 10, 9), status="closed",
             is_self_handled=True, close_work_hours=0.5)                      # never dispatched: no handling time
    add_case(con, reported_at=datetime(2026, 11, 2, 9), handle_work_hours=50.0, status="handled")  # not closed
    frame = tq.handling_time(con, scope(date(2026, 11, 1), date(2026, 11, 15)), "week")
    total = frame[frame.is_total].iloc[0]
    assert (total.closed_count, total.handle_timed_count, total.close_timed_count) == (6, 5, 6)
    assert total.handle_median_hours == 3.0
    assert total.handle_p90_hours == pytest.approx(61.6)        # 4 + 0.6 × (100 − 4)
    weeks = frame[~frame.is_total]
    assert rows(weeks, ["bucket_start", "closed_count", "handle_timed_count"]) == [
        (date(2026, 11, 2), 5, 5), (date(2026, 11, 9), 1, 0)]
    assert math.isnan(weeks.handle_median_hours.iloc[1])


# ───────────────────────── map ─────────────────────────

def test_case_points_show_only_the_chosen_set_without_personal_data(con):
    accepted(con, datetime(2026, 11, 2, 9))
    add_case(con, reported_at=datetime(2026, 11, 2, 9), accepted_at=datetime(2026, 11, 2, 9),
             filed_at=datetime(2026, 11, 2, 9), dispatched_at=datetime(2026, 11, 2, 10),
             deadline_at=datetime(2026, 11, 4, 17), status="dispatched", description="张三 13800001234")
    window = scope(date(2026, 11, 1), date(2026, 11, 10))
    points = mq.case_points(con, window, "overdue")
    assert list(points.columns) == ["case_no", "lat", "lon", "reported_at", "status", "category_name"]
    assert points.status.tolist() == ["dispatched"] and points.category_name.tolist() == ["暴露垃圾"]
    assert len(mq.case_points(con, window, "accepted")) == 2
    assert len(mq.case_points(con, window, "accepted", limit=1)) == 1
    with pytest.raises(ValueError):
        mq.case_points(con, window, "everything")


def _reference_hexbins(points, hex_m: float, lat0: float) -> Counter:
    """Nearest hexagon centre by brute force over the neighbourhood: independent of cube rounding."""
    kx = 111320.0 * math.cos(math.radians(lat0))
    counts = Counter()
    for lat, lon in points:
        x, y = lon * kx, lat * 110574.0
        q0 = (math.sqrt(3) / 3 * x - y / 3) / hex_m
        r0 = (2 / 3 * y) / hex_m
        best = None
        for q in range(math.floor(q0) - 1, math.floor(q0) + 3):
            for r in range(math.floor(r0) - 1, math.floor(r0) + 3):
                cx = hex_m * (math.sqrt(3) * q + math.sqrt(3) / 2 * r)
                cy = hex_m * 1.5 * r
                d = (cx - x) ** 2 + (cy - y) ** 2
                if best is None or d < best[0]:
                    best = (d, q, r)
        counts[(best[1], best[2])] += 1
    return counts


def test_hexbins_put_every_case_in_its_nearest_hexagon(con):
    rng = random.Random(5)
    points = [(28.5 + rng.random() * 0.05, 112.3 + rng.random() * 0.05) for _ in range(300)]
    for lat, lon in points:
        accepted(con, datetime(2026, 11, 2, 9), lat=lat, lon=lon)
    bins = mq.case_hexbins(con, scope(date(2026, 11, 1), date(2026, 11, 10)), "accepted", 500.0, 28.5)
    got = Counter({(int(r.hex_q), int(r.hex_r)): int(r.case_count) for r in bins.itertuples()})
    assert got == _reference_hexbins(points, 500.0, 28.5)
    assert bins.case_count.sum() == 300
    # centres lie where the corners drawn by charts.maps.hexagon_corners say
    first = bins.iloc[0]
    assert 28.49 < first.center_lat < 28.56 and 112.29 < first.center_lon < 112.36


def test_maps_and_trends_honour_access_and_filters(con):
    accepted(con, datetime(2026, 11, 2, 9), district="430902")
    accepted(con, datetime(2026, 11, 2, 9), district="430903", source="hotline")
    window = scope(date(2026, 11, 1), date(2026, 11, 10))
    only = Scope(start_date=window.start_date, end_date=window.end_date, now_at=NOW,
                 access=Access.for_districts(("430903",), "赫山区"))
    assert len(mq.case_points(con, only, "accepted")) == 1
    assert mq.case_hexbins(con, only, "accepted", 500.0, 28.5).case_count.sum() == 1
    assert tq.trend_series(con, only, "day").case_count.sum() == 1
    assert q.case_kpis(con, only, ("accepted_count",)).accepted_count == 1
    nobody = Scope(start_date=window.start_date, end_date=window.end_date, now_at=NOW, access=Access())
    assert tq.hour_weekday(con, nobody).empty and mq.case_points(con, nobody, "accepted").empty
    assert tq.source_mix(con, scope(date(2026, 11, 1), date(2026, 11, 10), sources=("hotline",)), "week") \
        .source_code.tolist() == ["hotline"]


# ───────────────────────── filter options ─────────────────────────

def test_filter_options_list_every_category_and_source_whatever_the_filters(con):
    narrowed = scope(date(2026, 11, 1), date(2026, 11, 10), kinds=("component",), sources=("grid",))
    cats = q.category_options(con, narrowed)
    assert rows(cats, ["category_code", "kind", "major_code", "minor_name"]) == [
        ("S0101", "event", "S01", "暴露垃圾"), ("B0201", "component", "B02", "路灯")]
    assert rows(q.source_options(con, narrowed), ["source_code", "name_zh"]) == [
        ("grid", "网格员上报"), ("hotline", "12345热线"), ("supervision", "领导督办")]
