"""Server CPU per rerun, as a real server spends it: `streamlit run dashboard.py` in its own process,
one WebSocket session per page (the browser's protocol, as benchmarks/bench_load.py speaks it), and
the CPU time of the server process (every thread: script, event loop, protobuf, DuckDB) read from
/proc before and after each rerun.

    python -m benchmarks.bench_rerun_cpu --db /tmp/demo.duckdb [--reruns 20] [--pages 总览,地图]
        [--option runner.postScriptGC=true]     # a second server with this option, side by side

For each page: the first view of a selection (cold: queries run, figures built) and the median CPU
per rerun of the same view with everything cached (batches of reruns, so the 10 ms tick of /proc
does not round a rerun to 0 or 10 ms). Baseline in the same run: a second server running a
one-line script (what Streamlit itself costs per rerun: the session, the protocol, the forward
messages), and the idle CPU of the dashboard server per second. The clock is pinned (DASHBOARD_NOW,
default the data's last day at 16:00) so that a cached rerun stays cached across the minute.
The machine is shared: compare ratios to the baseline of the same run.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

PAGES = {   # menu label -> page name in the URL (Streamlit's url path of pages/<name>.py; "" = entry)
    "总览": "", "地图": "map", "趋势": "trends", "排行榜": "league", "案件": "cases",
    "党建·志愿": "party", "预警研判": "signals", "通报": "bulletin", "口径说明": "definitions",
}
TICK_S = 1 / os.sysconf("SC_CLK_TCK")
TRIVIAL_SCRIPT = 'import streamlit as st\nst.write("ok")\n'


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads) in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_S


@contextmanager
def server(script: Path, env: dict[str, str], cwd: Path, options: tuple[str, ...] = ()) -> Iterator[tuple[str, subprocess.Popen]]:
    from deploy.cluster import free_port, wait_http

    port = free_port()
    log = open(tempfile.mktemp(prefix="bench-rerun-", suffix=".log"), "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             *(f"--{o}" for o in options)],
                            cwd=cwd, env=os.environ | env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health", 180)
        yield f"ws://127.0.0.1:{port}/_stcore/stream", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


class Session:
    """One browser tab: a WebSocket that reruns a page with a query string and waits for the end."""

    def __init__(self, ws):
        self.ws = ws
        self.exceptions: list[str] = []

    async def rerun(self, page: str, query: str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        await self.ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(self.ws.recv(), 600))
            kind = fm.WhichOneof("type")
            if (kind == "delta" and fm.delta.WhichOneof("type") == "new_element"
                    and fm.delta.new_element.WhichOneof("type") == "exception"):
                self.exceptions.append(fm.delta.new_element.exception.message[:160])
            if kind == "script_finished":
                return


async def measure(ws_url: str, pid: int, page: str, query: str, reruns: int, batch: int) -> tuple[float, float, list[str]]:
    """(cold CPU s, median cached CPU s per rerun, exceptions) for one page and selection."""
    import websockets

    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=2 ** 28, open_timeout=120,
                                  ping_interval=None) as ws:
        s = Session(ws)
        before = cpu_seconds(pid)
        await s.rerun(page, query)
        cold = cpu_seconds(pid) - before
        await s.rerun(page, query)          # a second view settles what the first left (e.g. lazy imports)
        per_rerun = []
        for _ in range(max(1, reruns // batch)):
            before = cpu_seconds(pid)
            for _ in range(batch):
                await s.rerun(page, query)
            per_rerun.append((cpu_seconds(pid) - before) / batch)
        return cold, statistics.median(per_rerun), s.exceptions


def idle_cpu_per_s(pid: int, seconds: float = 3.0) -> float:
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


def main() -> None:
    from data.config import PROJECT_ROOT

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True, help="writers' database (its published snapshot is served)")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--query", default="range=last30", help="the selection (URL query string)")
    parser.add_argument("--reruns", type=int, default=20, help="cached reruns per page")
    parser.add_argument("--batch", type=int, default=4, help="reruns per CPU reading")
    parser.add_argument("--option", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="also measure a server with this config option (e.g. runner.postScriptGC=true: before)")
    parser.add_argument("--now", default=None, help="DASHBOARD_NOW (default: the data's last day at 16:00)")
    args = parser.parse_args()
    now = args.now
    if now is None:
        import duckdb
        con = duckdb.connect(str(args.db), read_only=True)
        now = f"{con.execute('SELECT max(reported_date) FROM cases').fetchone()[0]}T16:00:00"
        con.close()
    env = {"DASHBOARD_DB": str(args.db), "DASHBOARD_NOW": now}
    print(f"database {args.db}, now {now}, selection ?{args.query}; {args.reruns} cached reruns per page in batches "
          f"of {args.batch}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        trivial = Path(tmp) / "trivial.py"
        trivial.write_text(TRIVIAL_SCRIPT, encoding="utf-8")
        variants = [("as configured", ())] + [(f"with {o}", (o,)) for o in args.option]
        table: dict[str, list[tuple[float, float]]] = {}
        bases = []
        for name, options in variants:
            with server(trivial, {}, PROJECT_ROOT, options) as (url, proc):   # the project's config
                bases.append(asyncio.run(measure(url, proc.pid, "", "", args.reruns, args.batch))[1])
            with server(PROJECT_ROOT / "dashboard.py", env, PROJECT_ROOT, options) as (url, proc):
                asyncio.run(measure(url, proc.pid, "", "range=year", 0, 1))   # first start: demo check, imports
                idle = idle_cpu_per_s(proc.pid)
                print(f"dashboard server {name}: idle {idle * 1000:.1f} ms CPU per second")
                for label in args.pages.split(","):
                    cold, cached, exc = asyncio.run(measure(url, proc.pid, PAGES[label], args.query, args.reruns,
                                                            args.batch))
                    table.setdefault(label, []).append((cold, cached))
                    for m in sorted(set(exc))[:3]:
                        print(f"  {label} exception:", m)
        print("baseline, a one-line script's rerun on a server of the same config: "
              + ", ".join(f"{b * 1000:.1f} ms CPU ({n})" for b, (n, _) in zip(bases, variants)))
        print(f"{'page':<8} | " + " | ".join(f"{n[:28]:>28}" for n, _ in variants))
        print(f"{'':<8} | " + " | ".join(f"{'first view / cached rerun':>28}" for _ in variants))
        for label, cells in table.items():
            print(f"{label:<8} | " + " | ".join(
                f"{cold * 1000:6.0f} ms / {cached * 1000:5.1f} ms ({cached / max(base, TICK_S / args.batch):4.0f}×)"
                for (cold, cached), base in zip(cells, bases)), flush=True)


if __name__ == "__main__":
    main()
