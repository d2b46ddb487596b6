"""Server CPU of a session's first view, taken apart: what a new session costs, what a selection
nobody opened yet costs, and both together (the first view of a load run: issue 13, the burst of
first views at 09:00).

    python -m benchmarks.bench_first_view --db /tmp/demo.duckdb [--views 40] [--now 2026-12-07T16:00:00]

One `streamlit run dashboard.py` (benchmarks/bench_rerun_cpu.server), the CPU of its process (all
threads) read around each view, views one after another so that nothing else runs:
  new session, new selection   — a new WebSocket opening a (page, selection) nobody opened yet
  new session, cached          — a new WebSocket opening one of those again (queries and figures cached)
  same session, new selection  — one WebSocket moving to selections nobody opened yet
Selections as benchmarks/bench_load.py draws them (the four pages × every district and street × six
ranges). Clock pinned (default: the data's last day 16:00) so that "cached" stays cached. Baseline in
the same run: a new session's first view of a one-line script on a server of the same config.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
from pathlib import Path

from benchmarks.bench_load import PAGES, selections
from benchmarks.bench_rerun_cpu import TRIVIAL_SCRIPT, Session, cpu_seconds, server

KINDS = ("new session, new selection", "new session, cached", "same session, new selection")


async def _view(url: str, pid: int, page: str, query: str, session: Session | None = None) -> tuple[float, list[str]]:
    """(server CPU seconds of one view, exceptions shown), on `session` or a new WebSocket."""
    import websockets

    if session is not None:
        before = cpu_seconds(pid)
        await session.rerun(page, query)
        return cpu_seconds(pid) - before, session.exceptions
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=2 ** 28, open_timeout=120,
                                  ping_interval=None) as ws:
        s = Session(ws)
        before = cpu_seconds(pid)
        await s.rerun(page, query)
        return cpu_seconds(pid) - before, s.exceptions


async def measure(url: str, pid: int, plan: list[tuple[str, str]], other: list[tuple[str, str]]) -> dict:
    """CPU per view for each of KINDS, with the page of each view."""
    import websockets

    out: dict[str, list[tuple[str, float]]] = {k: [] for k in KINDS}
    seen: list[str] = []
    for page, query in plan:
        cpu, exc = await _view(url, pid, page, query)
        out[KINDS[0]].append((page, cpu))
        seen += exc
    for page, query in plan:
        cpu, exc = await _view(url, pid, page, query)
        out[KINDS[1]].append((page, cpu))
        seen += exc
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=2 ** 28, open_timeout=120,
                                  ping_interval=None) as ws:
        s = Session(ws)
        await s.rerun("", "range=year")
        for page, query in other:
            cpu, exc = await _view(url, pid, page, query, s)
            out[KINDS[2]].append((page, cpu))
        seen += s.exceptions
    out["exceptions"] = sorted(set(seen))
    return out


def main() -> None:
    from data.config import PROJECT_ROOT, published_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True, help="writers' database (its published snapshot is served)")
    parser.add_argument("--views", type=int, default=40, help="views of each kind")
    parser.add_argument("--now", default=None, help="DASHBOARD_NOW (default: the data's last day at 16:00)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    now = args.now
    if now is None:
        import duckdb
        con = duckdb.connect(str(published_path(args.db)), read_only=True)
        now = f"{con.execute('SELECT max(reported_date) FROM cases').fetchone()[0]}T16:00:00"
        con.close()
    rng = random.Random(args.seed)
    queries = selections(published_path(args.db))
    pairs = [(page, q) for q in queries for page in PAGES]
    rng.shuffle(pairs)
    plan, other = pairs[:args.views], pairs[args.views:2 * args.views]
    print(f"database {args.db}, now {now}; {args.views} views of each kind, one at a time; load average at "
          f"start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-first-") as tmp:
        trivial = Path(tmp) / "trivial.py"
        trivial.write_text(TRIVIAL_SCRIPT, encoding="utf-8")
        with server(trivial, {}, PROJECT_ROOT) as (url, proc):
            asyncio.run(_view(url, proc.pid, "", ""))
            before = cpu_seconds(proc.pid)     # 20 together: one is under the 10 ms tick of /proc
            for _ in range(20):
                asyncio.run(_view(url, proc.pid, "", ""))
            base = (cpu_seconds(proc.pid) - before) / 20
        with server(PROJECT_ROOT / "dashboard.py", {"DASHBOARD_DB": str(args.db), "DASHBOARD_NOW": now},
                    PROJECT_ROOT) as (url, proc):
            for page in PAGES:                      # imports, the first start's checks
                asyncio.run(_view(url, proc.pid, page, "range=year"))
            result = asyncio.run(measure(url, proc.pid, plan, other))
    print(f"baseline: a new session's first view of a one-line script: {base * 1000:.1f} ms CPU (mean of 20)")
    print(f"{'kind':<30} | {'median':>8} | {'mean':>8} | " + " | ".join(f"{p or 'overview':>9}" for p in PAGES))
    for kind in KINDS:
        cpu = [c for _, c in result[kind]]
        by_page = [[c for p, c in result[kind] if p == page] for page in PAGES]
        print(f"{kind:<30} | {statistics.median(cpu) * 1000:5.0f} ms | {statistics.mean(cpu) * 1000:5.0f} ms | "
              + " | ".join(f"{statistics.median(v) * 1000:6.0f} ms" if v else f"{'—':>9}" for v in by_page))
    for m in result["exceptions"][:5]:
        print("  exception:", m)


if __name__ == "__main__":
    main()
