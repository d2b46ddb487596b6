"""Build the demo database: python -m data.seed [--cases N] [--db PATH] [--seed S] [--today YYYY-MM-DD]

Deterministic for a given seed and day; dates are relative to today so the demo always looks live.
The database is built in a temporary file and swapped in atomically, then published for readers.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data import areas as area_builder
from data import demo_anomalies
from data.config import PROJECT_ROOT, REFERENCE_DIR, db_path, load_city
from data.deadlines import DeadlinePolicy
from data.demo_cases import build_cases, build_units
from data.demo_people import SURNAMES, GIVEN, build_people_stream
from data.store import apply_schema, publish, set_meta, writer_lock
from data.worktime import WorkCalendar, load_time_limits

SQL_DIR = PROJECT_ROOT / "data" / "sql"
YEARS_OF_DATA = 2
DEFAULT_CASES_PER_DAY = 300     # a city of ~3.8M people; 赤壁 (0.5M) files ~80 a day


def _read_reference(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, comment="#")


def default_case_count(start: date, today: date) -> int:
    return DEFAULT_CASES_PER_DAY * ((today - start).days + 1)


def write_reference(con: duckdb.DuckDBPyConnection, city, cal: WorkCalendar, start: date, today: date) -> None:
    con.executemany("INSERT INTO area_levels VALUES (?, ?)", [(i + 1, n) for i, n in enumerate(city.level_names)])
    for table, csv in (("sources", "sources.csv"), ("categories", "categories.csv"), ("steps", "steps.csv")):
        insert_frame(con, table, _read_reference(csv))
    insert_frame(con, "time_limits", load_time_limits(REFERENCE_DIR / "time_limits.csv"))
    insert_frame(con, "calendar", cal.calendar_frame(start - timedelta(days=60), today + timedelta(days=400)))


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Appends `frame` to `table`, matching columns by name (absent columns become NULL)."""
    columns = con.table(table).columns
    con.from_df(frame.reindex(columns=columns)).insert_into(table)


def insert_cases(con: duckdb.DuckDBPyConnection, new_cases) -> None:
    """Writes a generated batch (Arrow) into cases, case_steps and case_private."""
    con.register("new_cases", new_cases)
    try:
        con.execute((SQL_DIR / "insert_cases.sql").read_text(encoding="utf-8"))
        con.execute((SQL_DIR / "insert_case_steps.sql").read_text(encoding="utf-8"))
        con.execute((SQL_DIR / "insert_case_private.sql").read_text(encoding="utf-8"),
                    {"surnames": SURNAMES, "given": [a + b for a, b in zip(GIVEN, GIVEN[::-1])]})
    finally:
        con.unregister("new_cases")


def build(db: Path, *, n_cases: int | None, seed: int, today: date, progress=print) -> dict[str, int]:
    t0 = time.perf_counter()
    city = load_city()
    now = datetime.combine(today, datetime.now().time()).replace(second=0, microsecond=0) \
        if today == date.today() else datetime.combine(today, datetime.min.time()) + timedelta(hours=15, minutes=30)
    start = today.replace(year=today.year - YEARS_OF_DATA) + timedelta(days=1)
    n_cases = n_cases or default_case_count(start, today)
    rng = np.random.default_rng(seed)
    cal = WorkCalendar.from_config()

    progress(f"生成区域：{city.name}（街道、社区、网格为合成数据）")
    areas = area_builder.build_areas(city.boundaries_path, city.level_names, city.urban_core, seed)
    grids = areas[areas.level == 4].reset_index(drop=True)
    grid_points = area_builder.sample_points(areas, level=4, points_per_area=64, rng=rng)
    districts = areas[areas.level == 1].set_index("area_code").name.to_dict()
    units = build_units(areas, districts, rng)

    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f"{db.name}.tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    with writer_lock(db, wait_seconds=10):
        con = duckdb.connect(str(tmp))
        built = False
        try:
            apply_schema(con)
            write_reference(con, city, cal, start, today)
            insert_frame(con, "areas", areas)
            insert_frame(con, "units", units.drop(columns=["quality"]))
            categories = _read_reference("categories.csv")
            limits = load_time_limits(REFERENCE_DIR / "time_limits.csv")
            batch_size = 2_000_000
            n_batches = max(1, -(-n_cases // batch_size))
            span_days = (today - start).days + 1
            next_id = 1
            for b in range(n_batches):
                # Batches are consecutive date ranges, so storage stays ordered by time.
                b_start = start + timedelta(days=span_days * b // n_batches)
                b_end = start + timedelta(days=span_days * (b + 1) // n_batches - 1)
                share = n_cases // n_batches + (1 if b < n_cases % n_batches else 0)
                progress(f"生成案件：第 {b + 1}/{n_batches} 批，{share:,} 件")
                batch = build_cases(n_cases=share, start=b_start, today=b_end, now=now, cal=cal,
                                    categories=categories, limits=limits, units=units, grids=grids,
                                    grid_points=grid_points, rng=rng, first_case_id=next_id,
                                    policy=DeadlinePolicy.from_city(city))
                insert_cases(con, batch)
                next_id += batch.num_rows
            progress("植入示例异动：雨后污水井盖集中上报、夜市噪音多人同诉")
            next_id = demo_anomalies.plant(con, first_case_id=next_id, now=now, seed=seed, insert=insert_cases,
                                           cal=cal, categories=categories, limits=limits, units=units, grids=grids,
                                           grid_points=grid_points, policy=DeadlinePolicy.from_city(city),
                                           urban_core=city.urban_core)
            progress("生成党建引领与志愿服务数据")
            people = build_people_stream(rng, units, areas, city.urban_core, start, today, now)
            for table, frame in people.items():
                insert_frame(con, table, frame)
            set_meta(con, "city_name", city.name)
            set_meta(con, "level_names", ",".join(city.level_names))
            set_meta(con, "is_demo", "true")
            set_meta(con, "demo_seed", str(seed))
            set_meta(con, "data_start_date", start.isoformat())
            set_meta(con, "data_as_of", now.isoformat())
            set_meta(con, "last_write_at", datetime.now().isoformat(timespec="seconds"))
            counts = {t: con.table(t).aggregate("count(*)").fetchall()[0][0]
                      for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()}
            con.execute("CHECKPOINT")
            built = True
        finally:
            con.close()
            if not built:
                tmp.unlink(missing_ok=True)
        os.replace(tmp, db)
        con = duckdb.connect(str(db))
        try:
            publish(con, db)
        finally:
            con.close()
    progress("示例导入：用真实导入程序导入一份网格化系统导出文件（含 3 行错误示例）")
    counts.update(import_sample(db, now=now, seed=seed))
    counts["_seconds"] = round(time.perf_counter() - t0, 1)
    return counts


def import_sample(db: Path, *, now: datetime, seed: int) -> dict[str, int]:
    """Runs a small export of the demo city through the importer (see data/demo_import.py) and
    returns the import tables' row counts."""
    from data.demo_import import SAMPLE_FILE_NAME, sample_export
    from data.ingest.run import import_file

    con = duckdb.connect(str(db), read_only=True)
    try:
        data = sample_export(con, now=now, seed=seed)
    finally:
        con.close()
    result = import_file(data, db=db, file_name=SAMPLE_FILE_NAME, invoked_by="seed", now=now)
    if not result.ok:
        raise RuntimeError(f"示例导入失败：{result.message_zh}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.table(t).aggregate("count(*)").fetchall()[0][0]
                for t in ("cases", "import_ledger", "import_records", "import_rejects", "import_flags")}
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成示例城市数据库（益阳市，合成数据）")
    parser.add_argument("--cases", type=int, default=None, help="案件数（默认：两年，每天约 300 件）")
    parser.add_argument("--db", type=Path, default=None, help="数据库路径（默认 $DASHBOARD_DB 或 data/demo.duckdb）")
    parser.add_argument("--seed", type=int, default=20261123, help="随机种子：相同种子与日期生成相同数据")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="以该日期为“今天”（测试用）")
    args = parser.parse_args(argv)
    if args.cases is not None and args.cases < 1:
        parser.error("--cases 必须是正整数")
    db = args.db or db_path()
    counts = build(db, n_cases=args.cases, seed=args.seed, today=args.today or date.today())
    seconds = counts.pop("_seconds")
    print(f"已生成 {db}，用时 {seconds} 秒")
    for table, n in counts.items():
        print(f"  {table:<24}{n:>12,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
