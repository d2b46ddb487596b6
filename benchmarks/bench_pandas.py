"""总览's headline figures by the dashboard's query path and by plain pandas, same numbers, same run.

    python -m benchmarks.bench_pandas /tmp/h13-10m.duckdb [--repeat 3]

Each side runs in its own fresh process (so each peak RSS is its own) and they alternate, so load
from other jobs on the machine falls on both. Compared figures: the six cards of 总览 (受理, 立案,
结案, 处置率, 按期办结率, 超期未处置) and its 处置时长 card (median and P90 of handling hours) for the
whole city and per district; counts exactly, hours to 1e-9 relative (numpy interpolates the same
ranks but may round the last bit differently). The pandas side reads the
columns it needs from the same snapshot (Arrow, the fastest way out of DuckDB) and filters and
counts in memory, as a notebook would. Prints best time, peak RSS and the ratios; fails loudly if
any figure differs.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

COUNTS = ("accepted_count", "filed_count", "closed_count", "due_count", "due_on_time_count", "disposal_den",
          "disposal_num", "overdue_open_count")
DURATIONS = ("handle_hours_median", "handle_hours_p90")
COLUMNS = ("district_code", "accepted_at", "filed_at", "dispatched_at", "closed_at", "deadline_at", "status",
           "is_cancelled", "is_shelved", "is_deferred", "is_self_handled", "handled_at", "handle_work_hours")


def _scope(last: date, days: int):
    from queries.scope import Access, Scope
    return Scope(last - timedelta(days=days - 1), last + timedelta(days=1), Access.demo(),
                 datetime.combine(last, datetime.min.time()) + timedelta(hours=16))


def dashboard_side(db: str, last: date, days: int) -> dict:
    from data.config import published_path
    from queries import cases as q
    from queries.db import SnapshotReader

    reader = SnapshotReader(published_path(__import__("pathlib").Path(db)))
    scope = _scope(last, days)
    total = q.case_kpis(reader, scope, COUNTS + DURATIONS)
    by_district = q.area_kpis(reader, scope, 1, COUNTS + DURATIONS)
    return {"all": {c: int(total[c]) for c in COUNTS} | {c: _hours(total[c]) for c in DURATIONS},
            "districts": {r.group_code: [int(getattr(r, c)) for c in COUNTS] + [_hours(getattr(r, c)) for c in DURATIONS]
                          for r in by_district.itertuples()}}


def _hours(value) -> float | None:
    return None if value is None or value != value else float(value)


def pandas_side(db: str, last: date, days: int) -> dict:
    import duckdb
    import pandas as pd
    from data.config import published_path

    scope = _scope(last, days)
    con = duckdb.connect(str(published_path(__import__("pathlib").Path(db))), read_only=True)
    df = con.execute(f"SELECT {', '.join(COLUMNS)} FROM cases").to_arrow_table().to_pandas()   # noqa: S608 - constants
    con.close()
    start, end, now = pd.Timestamp(scope.params()["start"]), pd.Timestamp(scope.params()["end"]), pd.Timestamp(scope.now_at)
    by_end = min(end, now)
    live = ~df.is_cancelled
    in_win = lambda col: (df[col] >= start) & (df[col] < end)   # noqa: E731
    due = (df.deadline_at >= start) & (df.deadline_at < by_end) & live & ~df.is_shelved & ~df.is_deferred
    # 在办未到期 (a running period only): still open with its deadline ahead leaves the denominator
    pending = ((end > now) & in_win("filed_at") & ~df.is_shelved & live
               & ((df.dispatched_at < now) | df.is_self_handled)
               & (df.closed_at.isna() | (df.closed_at >= now)) & (df.deadline_at >= now))
    disposal_den = (in_win("filed_at") & ~df.is_shelved & live
                    & ((df.dispatched_at < by_end) | df.is_self_handled) & ~pending)
    flags = pd.DataFrame({
        "district_code": df.district_code,
        "accepted_count": in_win("accepted_at") & live,
        "filed_count": in_win("filed_at") & live & ~df.is_shelved,
        "closed_count": in_win("closed_at") & live,
        "due_count": due,
        "due_on_time_count": due & (df.closed_at < by_end) & (df.closed_at <= df.deadline_at),
        "disposal_den": disposal_den,
        "disposal_num": disposal_den & (df.closed_at < by_end),
        "overdue_open_count": df.closed_at.isna() & (df.deadline_at < now) & live & ~df.is_shelved
                              & (df.status != "not_filed"),
    })
    per = flags.groupby("district_code")[list(COUNTS)].sum()
    per = per[per.sum(axis=1) > 0]
    handled = in_win("handled_at") & df.dispatched_at.notna() & df.handle_work_hours.notna() & live
    hours = df.handle_work_hours[handled]
    city_q = hours.quantile([0.5, 0.9]).tolist() if len(hours) else [None, None]
    per_q = hours.groupby(df.district_code[handled]).quantile([0.5, 0.9]).unstack()
    return {"all": {c: int(flags[c].sum()) for c in COUNTS} | dict(zip(DURATIONS, city_q)),
            "districts": {k: [int(v) for v in row] + [_hours(per_q.loc[k, q]) if k in per_q.index else None
                                                      for q in (0.5, 0.9)]
                          for k, row in zip(per.index, per.to_numpy())}}


def _same(a, b) -> bool:
    """Counts equal; hours equal to 1e-9 relative (None only with None)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)
    return a == b


def _child(side: str, db: str, last: str, days: int) -> None:
    fn = dashboard_side if side == "dashboard" else pandas_side
    import duckdb, pandas  # noqa: F401,E401 - imports are not what is measured
    from queries import cases  # noqa: F401
    t0 = time.perf_counter()
    figures = fn(db, date.fromisoformat(last), days)
    seconds = time.perf_counter() - t0
    peak_mb = _peak_rss_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "figures": figures}))


def _peak_rss_mb() -> float:
    """This process's own peak RSS: VmHWM of its address space. Not ru_maxrss: Linux carries the
    high-water mark across fork and exec, so a child started by this script (which has just read
    every column into Arrow for the baseline) reported the parent's ~1.8 GB as its own peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_child(side: str, db: str, last: date, days: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_pandas", "--child", side, db, str(last), str(days)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5], int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import duckdb
    from data.config import published_path
    con = duckdb.connect(str(published_path(__import__("pathlib").Path(args.db))), read_only=True)
    n, last = con.execute("SELECT count(*), max(reported_date) FROM cases").fetchone()
    t0 = time.perf_counter()
    con.execute(f"SELECT {', '.join(COLUMNS)} FROM cases").to_arrow_table()   # noqa: S608 - baseline: the bare read
    base = time.perf_counter() - t0
    con.close()
    print(f"{args.db}: {n:,} cases; baseline (DuckDB reads the {len(COLUMNS)} columns to Arrow) {base:.2f} s")
    print(f"{'window':<6} {'dashboard s':>11} {'pandas s':>9} {'× faster':>8} {'dashboard MB':>12} {'pandas MB':>9} {'× less':>6}")
    for label, days in (("近30天", 30), ("两年", 731)):
        runs = {"dashboard": [], "pandas": []}
        for _ in range(args.repeat):
            for side in runs:
                runs[side].append(_run_child(side, args.db, last, days))
        d, p = (min(runs[s], key=lambda r: r["seconds"]) for s in ("dashboard", "pandas"))
        if not _same(d["figures"], p["figures"]):
            raise SystemExit(f"{label}: figures differ\n dashboard {d['figures']['all']}\n pandas    {p['figures']['all']}")
        d_mb, p_mb = max(r["peak_mb"] for r in runs["dashboard"]), max(r["peak_mb"] for r in runs["pandas"])
        print(f"{label:<6} {d['seconds']:11.2f} {p['seconds']:9.2f} {p['seconds'] / d['seconds']:8.1f} "
              f"{d_mb:12.0f} {p_mb:9.0f} {p_mb / d_mb:6.1f}")


if __name__ == "__main__":
    main()
