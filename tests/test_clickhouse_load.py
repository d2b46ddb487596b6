"""Publishing the DuckDB snapshot to ClickHouse (chdb here): every row arrives once, a reload is
idempotent, a failed load leaves the previous data serving, and the committed DDL is the generated one."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.clickhouse_load import ChdbTarget, load, schema_ddl
from data.store import apply_schema
from queries.engines import ChdbSource

pytest.importorskip("chdb")

ROOT = Path(__file__).resolve().parent.parent


def _counts(source: ChdbSource, tables) -> dict[str, int]:
    return {t: source.cursor().execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


@pytest.fixture()
def city():
    from tests.known_city import build
    return build()


def test_every_table_arrives_with_its_rows_and_a_reload_does_not_double_them(city):
    source = ChdbSource()
    try:
        first = source.load_from(city)
        expected = {t: city.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in first}  # noqa: S608
        assert first == expected
        assert first["cases"] == 11 and first["areas"] > 0
        city.execute("DELETE FROM cases WHERE is_cancelled")
        second = source.load_from(city)
        assert second["cases"] == 10
        assert _counts(source, ["cases", "areas"]) == {"cases": 10, "areas": first["areas"]}
    finally:
        source.close()


def test_a_load_that_loses_rows_fails_and_the_previous_data_keeps_serving(city):
    source = ChdbSource()
    try:
        source.load_from(city)

        class Lossy(ChdbTarget):
            """Loses the first row of what it inserts."""

            def insert_parquet(self, table, path):
                self.session.query(f"INSERT INTO `{table}` SELECT * FROM file('{path}', Parquet) "  # noqa: S608
                                   f"WHERE rowNumberInAllBlocks() > 0")

        city.execute("INSERT INTO cases SELECT * REPLACE (case_id + 1000 AS case_id) FROM cases")
        with pytest.raises(RuntimeError, match="rows loaded"):
            load(city, Lossy(source.session), tables=["cases"])
        assert _counts(source, ["cases"]) == {"cases": 11}
    finally:
        source.close()


def test_cases_are_partitioned_by_month_and_sorted_by_time_then_area(city):
    source = ChdbSource()
    try:
        source.load_from(city)
        row = source.session.query(
            "SELECT engine, partition_key, sorting_key FROM system.tables WHERE name = 'cases' "
            "AND database = currentDatabase()", "CSV").bytes().decode()
        assert row.strip() == '"MergeTree","toYYYYMM(reported_month)","reported_month, ifNull(district_code, \'\'), reported_at"'
    finally:
        source.close()


@pytest.mark.parametrize("name, cluster", [("schema.sql", None), ("schema_cluster.sql", "dashboard_cluster")])
def test_the_committed_clickhouse_ddl_is_generated_from_the_duckdb_schema(name, cluster):
    con = duckdb.connect()
    apply_schema(con)
    committed = (ROOT / "data" / "clickhouse" / name).read_text(encoding="utf-8")
    body = committed.split("\n\n", 1)[1]
    assert body == schema_ddl(con, cluster, "dashboard"), \
        f"regenerate data/clickhouse/{name}: python -m data.clickhouse_load --ddl-only" + (f" --cluster {cluster}" if cluster else "")


def test_cluster_ddl_shards_the_case_tables_and_replicates_the_small_ones():
    text = (ROOT / "data" / "clickhouse" / "schema_cluster.sql").read_text(encoding="utf-8")
    assert "ENGINE = Distributed(`dashboard_cluster`, `dashboard`, `cases_local`, cityHash64(case_id))" in text
    assert "CREATE TABLE IF NOT EXISTS `areas` ON CLUSTER `dashboard_cluster`" in text
    assert "`areas_local`" not in text
    assert text.count("ReplicatedMergeTree(") == text.count("CREATE TABLE") - text.count("Distributed(")


def _granules_by_skip_index(source: ChdbSource, run_query) -> dict[str, tuple[int, int]]:
    """{skip index name: (granules kept, granules before it)} over every ClickHouse query `run_query`
    sends, from EXPLAIN indexes = 1 of the translated text with its parameters."""
    import re

    from queries.engines import ClickHouseCursor, _dialect, _settings_clause
    seen = []

    class Spy:
        version = "spy"

        def cursor(self):
            def run(text, bound):
                seen.append((text, bound))
                return source.run(text, bound)
            return ClickHouseCursor(run, source.schema)

    run_query(Spy())
    found: dict[str, tuple[int, int]] = {}
    for text, bound in seen:
        plan = source.session.query("EXPLAIN indexes = 1 " + text + _settings_clause(), "TSVRaw",
                                    params={k: _dialect().param_text(v) for k, v in bound.items()}).bytes().decode()
        name = None
        for line in plan.splitlines():
            if m := re.search(r"Name: (\S+)", line):
                name = m.group(1)
            elif (m := re.search(r"Granules: (\d+)/(\d+)", line)) and name:
                found[name] = (int(m.group(1)), int(m.group(2)))
                name = None
    return found


def test_a_window_skips_the_granules_whose_cases_lie_before_it(city):
    """The span columns' minmax indexes: the 总览 KPI queries for November read the November part's
    granule only (the known city has cases in 2025-11, 2026-10 and 2026-11, one granule each), and the
    list of 超期未结 cases only the granule holding open cases (the live count reads open_cases, built at
    publish). Fails if the index goes or the translated predicate stops reaching the table scan."""
    from datetime import date, datetime

    from queries import cases as q
    from queries.case_records import case_count
    from queries.scope import Access, Scope
    source = ChdbSource()
    try:
        source.load_from(city)
        scope = Scope(start_date=date(2026, 11, 1), end_date=date(2026, 11, 24), access=Access.demo(),
                      now_at=datetime(2026, 11, 23, 10))
        found = _granules_by_skip_index(source, lambda s: (q.case_kpis(s, scope),
                                                           case_count(s, scope, "is_overdue_open", "")))
        assert found["last_event_at_minmax"] == (1, 3), found
        assert found["overdue_from_at_minmax"] == (1, 3), found
    finally:
        source.close()
