"""Shared pieces of the wall's live runs (benchmarks/wall_latency.py, benchmarks/soak_wall.py):
a demo database for today, a city configuration with the wall's timing, the simulator as a
subprocess, and a recorder inside the page that timestamps every refresh and every new case
number in the ticker.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Installed in the page: window.__wall.runs = [[run, epoch ms, version]], window.__wall.seen =
# {case_no: epoch ms first shown}. A MutationObserver sees the heartbeat and the ticker change.
RECORDER_JS = """() => {
  if (window.__wall) { return; }
  const state = window.__wall = {runs: [], seen: {}};
  function scan() {
    const hb = document.querySelector('.st-key-wall-heartbeat');
    const text = hb ? hb.textContent : '';
    const m = /run=(\\d+);server=[^;]*;pinned=\\d;version=(.*)$/.exec(text);
    if (m) {
      const last = state.runs[state.runs.length - 1];
      if (!last || last[0] !== +m[1] || last[2] !== m[2]) { state.runs.push([+m[1], Date.now(), m[2]]); }
    }
    for (const code of document.querySelectorAll('.st-key-wall-panel-ticker code')) {
      const no = code.textContent.trim();
      if (no && !(no in state.seen)) { state.seen[no] = Date.now(); }
    }
  }
  new MutationObserver(scan).observe(document.body, {subtree: true, childList: true, characterData: true});
  scan();
}"""


def live_database(path: Path, *, cases: int = 20_000, seed: int = 11) -> Path:
    """A small demo database whose data runs up to now (today), for a live feed."""
    from data import seed as seeder
    from data.config import published_path

    if not published_path(path).exists():
        seeder.build(path, n_cases=cases, seed=seed, today=date.today(), progress=lambda _m: None)
    return path


def wall_city_config(directory: Path, *, refresh_seconds: float, carousel_seconds: float | None = None) -> Path:
    """A copy of city.toml with the wall's refresh (and carousel) interval replaced."""
    import re

    text = (ROOT / "data/reference/city.toml").read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^refresh_seconds = [0-9.]+", f"refresh_seconds = {refresh_seconds:g}", text)
    carousel = max(refresh_seconds, carousel_seconds if carousel_seconds is not None else 20)
    text, m = re.subn(r"(?m)^carousel_seconds = [0-9.]+", f"carousel_seconds = {carousel:g}", text)
    if n != 1 or m != 1:
        raise RuntimeError("city.toml has no [wall] refresh_seconds / carousel_seconds to replace")
    path = Path(directory) / "city.toml"
    path.write_text(text, encoding="utf-8")
    return path


def start_simulator(db: Path, *, tick: float, speed: float, cases_per_day: float | None, log: Path,
                    out: Path, catch_up_hours: float = 0) -> subprocess.Popen:
    """The simulator as a subprocess; no catch-up by default, so every tick brings a tick's worth."""
    args = [sys.executable, "-m", "data.simulate", "--db", str(db), "--tick", f"{tick:g}", "--speed", f"{speed:g}",
            "--log", str(log), "--catch-up-hours", f"{catch_up_hours:g}"]
    if cases_per_day:
        args += ["--cases-per-day", f"{cases_per_day:g}"]
    return subprocess.Popen(args, cwd=ROOT, env=os.environ | {"DASHBOARD_DB": str(db)},
                            stdout=open(out, "w"), stderr=subprocess.STDOUT)


def cases_per_day_for(per_tick: float, tick: float, speed: float, *, this_hour: bool = True) -> float:
    """The simulator's daily rate that brings `per_tick` new cases per tick at this hour of the day
    (or, this_hour=False, on average over the day: long runs then follow the day's rhythm)."""
    from datetime import datetime

    from data.demo_cases import HOUR_WEIGHTS
    from data.simulate import WEEKEND_FACTOR

    now = datetime.now()
    share = (HOUR_WEIGHTS[now.hour] / HOUR_WEIGHTS.sum() if this_hour else 1 / 24) \
        * (WEEKEND_FACTOR if now.weekday() >= 5 else 1.0)
    return per_tick * 3600 / (tick * speed * share)


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Ends a process this run started (by its own handle)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def read_ticks(log: Path) -> list[dict]:
    import json

    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
