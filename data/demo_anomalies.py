"""Real anomalies planted in the demo, so 异动, 多人同诉 and 一人多诉 have something true to find.

The demo's ordinary cases (data/demo_cases.py) are a quiet baseline: rates that vary by weekday and
hour, nothing clustered. On top of them this plants, relative to the demo's "now":
  - rain: a burst of 污水井盖 (B0102) reports in one urban street over the hours before now, "after
    last night's rain" (a 异动 of today and of the last 7 days);
  - night_market: 噪音扰民 (S0703) reports in one grid on the last four evenings, 20:00–23:30, by
    many different hotline callers, one of whom calls four times (a 异动 of the last 7 days,
    a 多人同诉 and a 一人多诉).
The cases go through the ordinary generator (build_cases with fixed report times), so every step,
deadline and history row obeys the same rules as the rest. What was planted is recorded in meta
key `demo_anomalies` (JSON) so a benchmark can tell planted alarms from false ones.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from data.demo_cases import build_cases
from data.store import set_meta

RAIN_CATEGORY, NOISE_CATEGORY = "B0102", "S0703"
RAIN_REPORTS = 16
NOISE_EVENINGS, NOISE_PER_EVENING = 4, 5
REPEAT_CALLS = 4
META_KEY = "demo_anomalies"


def _busiest_street(grids: pd.DataFrame, district: str | None, skip: set[str]) -> str:
    pool = grids[~grids.street_code.isin(skip)]
    if district is not None and (pool.district_code == district).any():
        pool = pool[pool.district_code == district]
    counts = pool.groupby("street_code").population.sum().sort_values(ascending=False, kind="mergesort")
    return str(counts.index[0])


def plan_times(now: datetime) -> dict[str, list[datetime]]:
    """Report times of each planted anomaly (all before `now`)."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    rain_from = max(day_start + timedelta(minutes=1), now - timedelta(hours=10))
    step = (now - rain_from) / (RAIN_REPORTS + 1)
    rain = [rain_from + step * (i + 1) for i in range(RAIN_REPORTS)]
    noise = []
    for back in range(1, NOISE_EVENINGS + 1):
        evening = day_start - timedelta(days=back) + timedelta(hours=20)
        noise += [evening + timedelta(minutes=40 * i + 7) for i in range(NOISE_PER_EVENING)]
    return {"rain": [t.replace(second=0, microsecond=0) for t in rain], "night_market": sorted(noise)}


def plant(con: duckdb.DuckDBPyConnection, *, first_case_id: int, now: datetime, seed: int, insert, **generator) -> int:
    """Writes the planted cases with `insert(con, batch)` (data.seed.insert_cases) and returns the next
    free case_id. `generator`: the keyword arguments of build_cases other than the ones fixed here
    (cal, categories, limits, units, grids, grid_points, policy), plus urban_core."""
    rng = np.random.default_rng([seed, 16])       # its own stream: the ordinary cases stay as they were
    urban_core = tuple(generator.pop("urban_core", ()))
    grids: pd.DataFrame = generator.pop("grids")
    categories: pd.DataFrame = generator.pop("categories")
    rain_street = _busiest_street(grids, urban_core[0] if urban_core else None, set())
    noise_street = _busiest_street(grids, urban_core[1] if len(urban_core) > 1 else None, {rain_street})
    noise_grid = grids[grids.street_code == noise_street].sort_values(
        ["population", "area_code"], ascending=[False, True], kind="mergesort").iloc[0]
    times = plan_times(now)
    record, next_id = {}, first_case_id
    for key, category, where in (("rain", RAIN_CATEGORY, grids[grids.street_code == rain_street]),
                                 ("night_market", NOISE_CATEGORY, grids[grids.area_code == noise_grid.area_code])):
        reported = np.array([np.datetime64(t, "m") for t in times[key] if t < now])
        if not len(reported):
            continue
        batch = build_cases(n_cases=len(reported), start=now.date(), today=now.date(), now=now, rng=rng,
                            categories=categories[categories.category_code == category].reset_index(drop=True),
                            grids=where.reset_index(drop=True), first_case_id=next_id, reported_at=reported,
                            **generator)
        if key == "night_market":
            # Residents ring the hotline (a grid worker's own report stays one where it was self-handled).
            sources = batch.column("source").to_pylist()
            self_handled = batch.column("is_self_handled").to_pylist()
            batch = batch.set_column(batch.schema.get_field_index("source"), "source",
                                     pa.array([s if h else "hotline" for s, h in zip(sources, self_handled)]))
        insert(con, batch)
        ids = batch.column("case_id").to_pylist()
        record[key] = {"category_code": category, "street_code": where.street_code.iloc[0],
                       "grid_code": str(noise_grid.area_code) if key == "night_market" else None,
                       "first_case_id": ids[0], "last_case_id": ids[-1], "cases": len(ids)}
        next_id = ids[-1] + 1
    if "night_market" in record:
        _plant_callers(con, record["night_market"])
    set_meta(con, META_KEY, json.dumps(record, ensure_ascii=False, sort_keys=True))
    return next_id


def _plant_callers(con: duckdb.DuckDBPyConnection, planted: dict) -> None:
    """Different synthetic callers for the night-market reports, except one who calls REPEAT_CALLS
    times (numbers in the 199 0737 range, never a real subscriber's)."""
    ids = [r[0] for r in con.execute(
        "SELECT case_id FROM case_private WHERE case_id BETWEEN $a AND $b ORDER BY case_id",
        {"a": planted["first_case_id"], "b": planted["last_case_id"]}).fetchall()]
    repeat = set(ids[::max(1, len(ids) // REPEAT_CALLS)][:REPEAT_CALLS])
    rows = [(case_id, "19907370000" if case_id in repeat else f"1990737{i + 1:04d}") for i, case_id in enumerate(ids)]
    con.executemany("UPDATE case_private SET reporter_phone = ?, reporter_key = NULL WHERE case_id = ?",
                    [(phone, case_id) for case_id, phone in rows])
    planted["repeat_caller_cases"] = len(repeat)
