"""Load benchmark: N sessions as browsers open them (Streamlit's WebSocket protocol), each opening a
page with a query string, thinking, and opening another; on one or several server processes behind
nginx (deploy/cluster.py).

    python -m benchmarks.bench_load --db /tmp/demo.duckdb --processes 2 --sessions 10,30,60,100
    python -m benchmarks.bench_load --db /tmp/demo.duckdb --processes 2 --arrive-over 60   # officials arriving over a minute
    python -m benchmarks.bench_load --db /tmp/demo.duckdb --distinct 1000      # RSS after 1,000 selections

Prints, per level: first-view and later-view p50 / p95 / max, errors (dropped connections, pages
that ended in an exception), views per second, and the servers' summed RSS (peak of samples).
Baseline in the same run: one session opening the same views one after another on a quiet server
(the time a view costs when nobody else is waiting). The selections mix every district and street
with the time ranges, so caches miss as they do when a whole command hall opens the dashboard.
The client follows /work/shared/tools/wsload.py (the team's reference client).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PAGES = ("", "map", "trends", "league")        # "" = 总览 (the entry page)
RANGES = ("last30", "month", "week", "quarter", "year", "today")


@dataclass
class LoadResult:
    first: list[float] = field(default_factory=list)
    later: list[float] = field(default_factory=list)
    errors: int = 0
    exceptions: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    @staticmethod
    def pct(values: list[float], q: float) -> float:
        s = sorted(values)
        return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")

    def views(self) -> int:
        return len(self.first) + len(self.later)


async def _session(ws_url: str, views: list[tuple[str, str]], think_s: float, out: LoadResult,
                   arrive_s: float = 0.0) -> None:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    await asyncio.sleep(arrive_s)   # this official opens the dashboard arrive_s after the run starts
    try:
        # ping_interval=None: browsers never ping a server; the library's own 20 s ping timeout would
        # close sessions whenever the client process itself is short of CPU, an error no browser has.
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=2 ** 28, open_timeout=120,
                                      ping_interval=None) as ws:
            for i, (page, query) in enumerate(views):
                msg = BackMsg()
                msg.rerun_script.query_string = query
                msg.rerun_script.page_name = page
                t0 = time.perf_counter()
                await ws.send(msg.SerializeToString())
                while True:
                    fm = ForwardMsg()
                    fm.ParseFromString(await asyncio.wait_for(ws.recv(), 300))
                    kind = fm.WhichOneof("type")
                    if (kind == "delta" and fm.delta.WhichOneof("type") == "new_element"
                            and fm.delta.new_element.WhichOneof("type") == "exception"):
                        out.exceptions.append(fm.delta.new_element.exception.message[:120])
                    if kind == "script_finished":
                        break
                (out.first if i == 0 else out.later).append(time.perf_counter() - t0)
                if i < len(views) - 1:
                    await asyncio.sleep(think_s * random.uniform(0.5, 1.5))
    except Exception as exc:   # a dropped or refused connection counts as an error, the run goes on
        out.errors += 1
        out.exceptions.append(f"{type(exc).__name__}: {str(exc)[:100]}")


def run_load(url: str, plans: list[list[tuple[str, str]]], think_s: float,
             arrivals_s: list[float] | None = None) -> LoadResult:
    """One session per plan (a list of (page, query string) views), all started at once, or each at
    its offset in `arrivals_s` (seconds after the start)."""
    arrivals_s = arrivals_s or [0.0] * len(plans)
    assert url.startswith(("http://127.0.0.1", "http://localhost")), "loopback only"
    ws_url = url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
    out = LoadResult()

    async def main() -> None:
        await asyncio.gather(*(_session(ws_url, plan, think_s, out, at) for plan, at in zip(plans, arrivals_s)))

    t0 = time.perf_counter()
    asyncio.run(main())
    out.wall_s = time.perf_counter() - t0
    return out


def selections(db: Path) -> list[str]:
    """Query strings: every range, alone and with each district and street of the database."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        areas = con.execute("SELECT level, area_code, parent_code FROM areas WHERE level <= 2 ORDER BY area_code").fetchall()
    finally:
        con.close()
    out = [f"range={r}" for r in RANGES]
    for level, code, parent in areas:
        area = f"district={code}" if level == 1 else f"district={parent}&street={code}"
        out += [f"range={r}&{area}" for r in RANGES]
    return out


def plans_for(n: int, views: int, queries: list[str], rng: random.Random) -> list[list[tuple[str, str]]]:
    return [[(rng.choice(PAGES), rng.choice(queries)) for _ in range(views)] for _ in range(n)]


class RssSampler:
    """Sums VmRSS of the given processes every `every_s` seconds; keeps the peak."""

    def __init__(self, pids: list[int], every_s: float = 0.5):
        self.pids, self.every_s, self.peak_mb = pids, every_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @staticmethod
    def rss_mb(pid: int) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def now_mb(self) -> float:
        return sum(self.rss_mb(p) for p in self.pids)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self.now_mb())
            self._stop.wait(self.every_s)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _line(label: str, r: LoadResult, rss_mb: float) -> str:
    p = LoadResult.pct
    return (f"{label:>8} | {p(r.first, .5):6.2f} / {p(r.first, .95):6.2f} s | {p(r.later, .5):6.2f} / "
            f"{p(r.later, .95):6.2f} / {max(r.later or [float('nan')]):6.2f} s | {r.errors:3d} / {len(r.exceptions):3d} | "
            f"{r.views() / r.wall_s:5.2f} | {rss_mb:7.0f} MB | {p(r.first + r.later, .95):6.2f} s")


def main() -> None:
    from deploy.cluster import cluster
    from data.config import published_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True, help="writers' database (its published snapshot is served)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--sessions", default="10,30,60,100")
    parser.add_argument("--views", type=int, default=4, help="views per session")
    parser.add_argument("--think", type=float, default=20.0, help="mean think time between views, seconds")
    parser.add_argument("--distinct", type=int, default=0, help="instead: this many distinct views (page, selection), RSS per quarter")
    parser.add_argument("--distinct-sessions", type=int, default=8, help="sessions opening them at once")
    parser.add_argument("--now", default=None, help="DASHBOARD_NOW for the servers (default: real clock)")
    parser.add_argument("--arrive-over", type=float, default=0.0,
                        help="sessions open at uniform random times over this many seconds (0: all in the same second)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    queries = selections(published_path(args.db))
    env = {"DASHBOARD_DB": str(args.db)} | ({"DASHBOARD_NOW": args.now} if args.now else {})
    load = os.getloadavg()[0]
    print(f"database {args.db}; {args.processes} server process(es) behind nginx; {len(queries)} selections x "
          f"{len(PAGES)} pages; think {args.think:.0f} s ±50 %, {args.views} views per session; "
          f"machine load average at start {load:.1f} on {os.cpu_count()} cores (shared with other jobs)")
    with cluster(args.processes, env=env) as (url, servers, _):
        pids = [s.pid for s in servers]
        # Baseline: one session, the same kind of views one after another, before any load.
        base = run_load(url, plans_for(1, 8, queries, rng), 0.0)
        times = base.first + base.later
        print(f"baseline: one session alone, 8 views back to back: median {statistics.median(times):.2f} s, "
              f"max {max(times):.2f} s")
        if args.distinct:
            # Distinct (page, selection) pairs, opened by --distinct-sessions sessions at once in four
            # rounds (RSS read after each quarter); one view per selection so that the run finishes.
            pairs = [(page, q) for q in queries for page in PAGES]
            rng.shuffle(pairs)
            pairs = pairs[:args.distinct]
            n = max(1, args.distinct_sessions)
            print(f"{len(pairs)} distinct views (of {len(queries) * len(PAGES)}), {n} sessions at once, no think time")
            marks, seen = [("start", RssSampler(pids).now_mb(), 0.0, 0, 0)], []
            for k in range(4):
                part = pairs[k * len(pairs) // 4:(k + 1) * len(pairs) // 4]
                result = run_load(url, [part[i::n] for i in range(n) if part[i::n]], 0.0)
                marks.append((f"{(k + 1) * len(pairs) // 4}", RssSampler(pids).now_mb(), result.wall_s,
                              result.errors, len(result.exceptions)))
                seen += result.exceptions
            print("after views | servers' RSS | round wall | errors / exceptions")
            for label, mb, wall, err, exc in marks:
                print(f"{label:>11} | {mb:9.0f} MB | {wall:8.1f} s | {err} / {exc}")
            for m in sorted(set(seen))[:5]:
                print("           ", m)
            return
        print(("sessions opening in the same second" if not args.arrive_over else
               f"sessions opening at random over {args.arrive_over:.0f} s"))
        print(f"{'sessions':>8} | first p50 / p95 | later p50 / p95 / max | err / exc | views/s | server RSS peak"
              f" | every view p95")
        for n in (int(x) for x in args.sessions.split(",")):
            with RssSampler(pids) as sampler:
                plans = plans_for(n, args.views, queries, rng)
                arrivals = [rng.uniform(0, args.arrive_over) for _ in range(n)] if args.arrive_over else None
                result = run_load(url, plans, args.think, arrivals)
            print(_line(str(n), result, sampler.peak_mb), flush=True)
            for m in sorted(set(result.exceptions))[:3]:
                print("         ", m)


if __name__ == "__main__":
    main()
