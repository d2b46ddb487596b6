"""总览's and 大屏's KPI count calls at 10M, replayed as the page asks for them, with A − B (B precomputed
at publish) through the former single query file and through kpi_daily_counts_precomputed.sql.

    python -m benchmarks.bench_kpi_page_calls /tmp/h13-10m.duckdb [--repeat 3]

DB is the writers' file (the dashboard reads its published snapshot beside it). For 总览 近30天, 总览 two
years (ending on DASHBOARD_NOW's day) and 大屏, one cold AppTest run records every call of
queries.cases.kpi_counts (scope, grouping, columns); the calls are then replayed without the live
overdue count (a query of its own), best of --repeat rounds alternating before and now, wall and
process CPU, together with a bare scan of
five columns of every case (the baseline of the same run):
- before: A − B with B precomputed read through kpi_daily_counts.sql as it was at commit 5576cb1 (one
  file for both B's: the B-from-the-cases branch over case_anchor_counts planned even when empty);
- now: through kpi_daily_counts_precomputed.sql (no case relation planned).
Frames are compared (identical or it stops). Also prints each call's window, grouping and path.
Needs git history (the former file is read with `git show`).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pandas as pd

FORMER = "5576cb1"   # the last commit with the single kpi_daily_counts.sql
PAGES = (("总览 近30天", "dashboard.py", "last30"), ("总览 两年", "dashboard.py", "2y"), ("大屏", "pages/wall.py", "last30"))


def record(page: str, rng: str) -> list[tuple]:
    """Every kpi_counts call of one cold run of `page` (AppTest), as (scope, by, columns)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from queries import cases
    calls, real = [], cases.kpi_counts

    def spy(source, scope, by, columns=None, *, live=True):
        calls.append((scope, by, columns))
        return real(source, scope, by, columns, live=live)

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
    with mock.patch.object(cases, "kpi_counts", spy):
        at.run()
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].message}")
    return calls


def former_single_file() -> str:
    root = Path(__file__).resolve().parents[1]
    return subprocess.run(["git", "-C", str(root), "show", f"{FORMER}:queries/sql/kpi_daily_counts.sql"],
                          check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="the writers' file (its published snapshot is read)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["DASHBOARD_DB"] = str(args.db)
    os.environ.setdefault("DASHBOARD_NOW", "2026-12-07T16:00:00")
    from datetime import timedelta

    from benchmarks.baseline import BASELINE_SQL, ConnectionSource, best_wall_cpu
    from queries import cases, kpi_daily, runner
    from queries.db import connect_readonly

    recorded = {label: record(page, rng) for label, page, rng in PAGES}
    snapshot = args.db.with_suffix(".published.duckdb")
    src = ConnectionSource(connect_readonly(snapshot if snapshot.exists() else args.db))
    former = former_single_file()
    real_load, real_fetch = runner.load_sql, kpi_daily.fetch

    def load(name: str) -> str:
        return former if name == "kpi_daily_counts_former" else real_load(name)

    def via_former(source, name, scope, **kw):
        # the former call: one file, $precomputed_b, and a $span_start after every case for B's branch
        if name == "kpi_daily_counts_precomputed":
            at = pd.Timestamp(kw["day_to"]).to_pydatetime()
            return real_fetch(source, "kpi_daily_counts_former", scope, **kw, precomputed_b=True,
                              **(kpi_daily.unbounded_params() | {"span_start": kpi_daily.UNBOUNDED_END, "span_end": at}))
        return real_fetch(source, name, scope, **kw)

    def paths(scope, by, columns) -> str:
        answers, real = [], kpi_daily.aggregate_counts

        def spy(*a, **k):
            answers.append((real(*a, **k), real(*a, **(k | {"compute_b": False}))))
            return answers[-1][0]

        with mock.patch.object(kpi_daily, "aggregate_counts", spy):
            cases.kpi_counts(src, scope, by, columns, live=False)
        if not answers or answers[-1][0] is None:
            return "case path"
        pre = answers[-1][1] is not None
        return "A−B+C, B " + ("precomputed" if pre else "from the cases")

    base_wall, base_cpu, _ = best_wall_cpu(lambda: src.cursor().execute(BASELINE_SQL, {"t": pd.Timestamp(
        os.environ["DASHBOARD_NOW"]).to_pydatetime() - timedelta(days=30)}).fetchall(), args.repeat)
    print(f"baseline (bare scan of 5 columns of every case) {base_wall:.3f} s wall / {base_cpu:.3f} s CPU")
    with mock.patch.object(runner, "load_sql", load):
        for label, calls in recorded.items():
            print(f"{label}: {len(calls)} kpi_counts calls")
            for scope, by, columns in calls:
                print(f"    {scope.start_date}..{scope.end_date} by {by:<8} {len(columns or ()):2d} columns  "
                      f"{paths(scope, by, columns)}")

            def page():
                return [cases.kpi_counts(src, s, b, c, live=False) for s, b, c in calls]

            old_w = old_c = new_w = new_c = float("inf")
            for _ in range(args.repeat):   # alternating, so both see the same load and cache state
                with mock.patch.object(kpi_daily, "fetch", via_former):
                    w, c, old = best_wall_cpu(page, 1)
                old_w, old_c = min(old_w, w), min(old_c, c)
                w, c, new = best_wall_cpu(page, 1)
                new_w, new_c = min(new_w, w), min(new_c, c)
            for a, b in zip(old, new):
                pd.testing.assert_frame_equal(a, b)
            print(f"  together: before {old_w:.3f} s wall / {old_c:.3f} s CPU ({old_w / base_wall:.1f}× / "
                  f"{old_c / base_cpu:.1f}×), now {new_w:.3f} / {new_c:.3f} s ({new_w / base_wall:.1f}× / "
                  f"{new_c / base_cpu:.1f}×): {new_w / old_w:.2f} / {new_c / old_c:.2f} of before")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
