"""What a published snapshot's tables built at publish were built with (meta: kpi_daily's KPI rules,
accepted_daily's, expected_stats_day's as-of day, the calibration's quarter, the working minutes'
office hours), asked once per snapshot version and probe instead of once per call site.

Each probe is a one-row query over `meta` that reads no selection parameter, so its answer depends on
the snapshot alone: on a pinned `queries.db.Snapshot` (every dashboard read) it is kept under
(version, probe name) for the process; any other source (a connection in a build or a test, another
engine's reader) is asked every time, as before. 总览 asked kpi_daily_rules five times per first view,
地图 once, 案件 expected_stats_day_build once (2–7 ms each at 10M cases on a loaded machine).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable

import pandas as pd

from queries.db import Snapshot
from queries.runner import CursorSource, compose, fetch, parameters
from queries.scope import Scope

PROBES = frozenset({"kpi_daily_rules", "accepted_daily_rules", "expected_stats_day_build",
                    "expected_calibration_build", "work_minutes_office", "open_cases_office",
                    "anomaly_daily_built"})
MAX_ENTRIES = 64          # a few snapshot versions × the probes; a publish makes a new version
_memo: OrderedDict[tuple[str, str], pd.Series] = OrderedDict()
_lock = threading.Lock()


def row(source: CursorSource, name: str, scope: Scope, run: Callable[..., pd.DataFrame] = fetch) -> pd.Series:
    """The one row of probe `name` (PROBES) on `source`; `run` is the caller's fetch (tests record it).
    A copy, so a caller changing it never changes what another reads."""
    if name not in PROBES or parameters(compose(name)):
        raise ValueError(f"not a snapshot fact: {name!r}")   # a probe reading the selection must not be shared
    if not isinstance(source, Snapshot):
        return run(source, name, scope).iloc[0]
    key = (source.version, name)
    with _lock:
        hit = _memo.get(key)
        if hit is not None:
            _memo.move_to_end(key)
            return hit.copy()
    value = run(source, name, scope).iloc[0]
    with _lock:
        _memo[key] = value
        while len(_memo) > MAX_ENTRIES:
            _memo.popitem(last=False)
    return value.copy()


def clear() -> None:
    """Forget every snapshot's facts (tests)."""
    with _lock:
        _memo.clear()
