"""总览's and 大屏's KPI count calls at 10M, replayed as the page asks for them: now, and as the page asked
for them at the start of session 7 (before: the previous period's cards with every shown column, medians
and P90 of the case path sorted inside kpi_counts.sql, the wall's 超期未处置 tile through case_kpis).

    python -m benchmarks.bench_kpi_page_calls /tmp/h13-10m.duckdb [--repeat 3]

DB is the writers' file (the dashboard reads its published snapshot beside it). For 总览 近30天, 总览 two
years (ending on DASHBOARD_NOW's day) and 大屏, one cold AppTest run records every call of
queries.cases.kpi_counts (scope, grouping, columns); the calls are then replayed without the live
overdue count (a query of its own, the same before and now), best of --repeat rounds alternating before
and now, wall and process CPU, together with a bare scan of five columns of every case (the baseline of
the same run). Before = each call with the columns queries.kpis.kpi_columns gave where the page now asks
comparison_columns, kpi_daily.ranked_durations_counts off, and the wall's today call (kpi_counts of
today's window, no count but the live one) put back. Frames of the calls both make are compared.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from unittest import mock

import pandas as pd

PAGES = (("总览 近30天", "dashboard.py", "last30"), ("总览 两年", "dashboard.py", "2y"), ("大屏", "pages/wall.py", "last30"))


def record(page: str, rng: str) -> tuple[list[tuple], list[tuple]]:
    """Every kpi_counts call of one cold run of `page` (AppTest), as (scope, by, columns): now, and as
    the page made them at the start of session 7 (see the module doc)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from queries import cases, kpis
    from queries.cases import LIVE_COLUMN
    from ui import wall
    calls, real, real_scopes, real_compared = [], cases.kpi_counts, wall.wall_scopes, kpis.comparison_columns
    full_of, today = {}, []

    def spy(source, scope, by, columns=None, *, live=True):
        calls.append((scope, by, columns))
        return real(source, scope, by, columns, live=live)

    def compared(chosen):   # remembers the columns the page asked before for the same KPIs
        chosen = list(chosen)
        out = real_compared(chosen)
        full_of[out] = kpis.kpi_columns(chosen)
        return out

    def scopes(*a, **k):
        today.append(real_scopes(*a, **k).today)
        return real_scopes(*a, **k)

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboard.py"), default_timeout=900)
    if page != "dashboard.py":
        at.switch_page(page)
    if rng == "2y":
        end = os.environ["DASHBOARD_NOW"][:10]
        at.query_params.update({"range": "custom", "start": str(int(end[:4]) - 2) + end[4:], "end": end})
    else:
        at.query_params["range"] = rng
    st.cache_data.clear()      # each page cold: no result of the page recorded before it
    st.cache_resource.clear()
    with mock.patch.object(cases, "kpi_counts", spy), mock.patch.object(kpis, "comparison_columns", compared), \
            mock.patch.object(wall, "comparison_columns", compared), mock.patch.object(wall, "wall_scopes", scopes):
        at.run()
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].message}")
    before = [(s, b, full_of.get(tuple(c), c) if c is not None else c) for s, b, c in calls]
    before += [(s, "all", (LIVE_COLUMN,)) for s in today[:1]]
    return calls, before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="the writers' file (its published snapshot is read)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["DASHBOARD_DB"] = str(args.db)
    os.environ.setdefault("DASHBOARD_NOW", "2026-12-07T16:00:00")
    from datetime import timedelta

    from benchmarks.baseline import BASELINE_SQL, ConnectionSource, best_wall_cpu
    from queries import cases, kpi_daily
    from queries.db import connect_readonly

    recorded = {label: record(page, rng) for label, page, rng in PAGES}
    snapshot = args.db.with_suffix(".published.duckdb")
    src = ConnectionSource(connect_readonly(snapshot if snapshot.exists() else args.db))

    def path(scope, by, columns) -> str:
        answers, real = [], kpi_daily.aggregate_counts

        def spy(*a, **k):
            answers.append((real(*a, **k), real(*a, **(k | {"compute_b": False}))))
            return answers[-1][0]

        with mock.patch.object(kpi_daily, "aggregate_counts", spy):
            cases.kpi_counts(src, scope, by, columns, live=False)
        if not answers or answers[-1][0] is None:
            ranked = kpi_daily.ranked_durations_counts(src, scope, by, columns) is not None
            return "case path" + (", durations by rank" if ranked else "")
        return "A−B+C, B " + ("precomputed" if answers[-1][1] is not None else "from the cases")

    base_wall, base_cpu, _ = best_wall_cpu(lambda: src.cursor().execute(BASELINE_SQL, {"t": pd.Timestamp(
        os.environ["DASHBOARD_NOW"]).to_pydatetime() - timedelta(days=30)}).fetchall(), args.repeat)
    print(f"baseline (bare scan of 5 columns of every case) {base_wall:.3f} s wall / {base_cpu:.3f} s CPU")
    for label, (calls, before) in recorded.items():
        print(f"{label}: {len(calls)} kpi_counts calls now, {len(before)} before")
        for scope, by, columns in calls:
            print(f"    {scope.start_date}..{scope.end_date} by {by:<8} {len(columns or ()):2d} columns  "
                  f"{path(scope, by, columns)}")

        def run(chosen):
            return lambda: [cases.kpi_counts(src, s, b, c, live=False) for s, b, c in chosen]

        old_w = old_c = new_w = new_c = float("inf")
        for _ in range(args.repeat):   # alternating, so both see the same load and cache state
            with mock.patch.object(kpi_daily, "ranked_durations_counts", lambda *a, **k: None):
                w, c, old = best_wall_cpu(run(before), 1)
            old_w, old_c = min(old_w, w), min(old_c, c)
            w, c, new = best_wall_cpu(run(calls), 1)
            new_w, new_c = min(new_w, w), min(new_c, c)
        for (s, b, c), (_, _, c0), a, n in zip(calls, before, old, new):
            if c == c0:   # the same call: the same frame
                pd.testing.assert_frame_equal(a, n)
            else:         # fewer columns: the same values in them
                pd.testing.assert_frame_equal(a[list(n.columns)], n)
        print(f"  together: before {old_w:.3f} s wall / {old_c:.3f} s CPU ({old_w / base_wall:.1f}× / "
              f"{old_c / base_cpu:.1f}×), now {new_w:.3f} / {new_c:.3f} s ({new_w / base_wall:.1f}× / "
              f"{new_c / base_cpu:.1f}×): {new_w / old_w:.2f} / {new_c / old_c:.2f} of before")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
