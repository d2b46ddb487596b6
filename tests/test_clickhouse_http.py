"""The HTTP path end to end (DASHBOARD_ENGINE=clickhouse): python -m data.clickhouse_load's HttpTarget and
queries.engines.ClickHouseServerReader through clickhouse-connect, against tests/chdb_http.py — a test
front that speaks ClickHouse's HTTP interface with chdb (ClickHouse 26.x) behind it. Not a ClickHouse
server binary (none installs offline here); see docs/engines.md."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

pytest.importorskip("chdb")
pytest.importorskip("clickhouse_connect")

from data.clickhouse_load import HttpTarget, http_client_from_env, load  # noqa: E402

pytestmark = [pytest.mark.engines, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def http_front(tmp_path, monkeypatch):
    """tests/chdb_http.py in its own process (one chdb session per process) on a free loopback port,
    with CLICKHOUSE_HOST/PORT pointing at it."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.chdb_http", "--port", "0", "--path", str(tmp_path / "ch")],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("listening "), f"front did not start: {line!r}"
        monkeypatch.setenv("CLICKHOUSE_HOST", "127.0.0.1")
        monkeypatch.setenv("CLICKHOUSE_PORT", line.split()[1])
        for name in ("CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD", "CLICKHOUSE_DATABASE", "CLICKHOUSE_SECURE"):
            monkeypatch.delenv(name, raising=False)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _duck_counts(con, tables) -> dict[str, int]:
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def test_known_city_loads_over_http_idempotently_and_every_query_matches_duckdb(http_front):
    from queries.engines import ClickHouseServerReader
    from tests.known_city import build
    from tests.test_engines_golden import _check

    con = build()
    target = HttpTarget(http_client_from_env())
    first = load(con, target)
    expected = _duck_counts(con, first)
    assert first == expected and expected["cases"] == 11
    # A second load of the same snapshot replaces, never appends: no row doubled.
    second = load(con, HttpTarget(http_client_from_env()))
    assert second == expected
    assert {t: target.count(t) for t in expected} == expected
    leftovers = target.client.query("SELECT name FROM system.tables WHERE database = currentDatabase() "
                                    "AND name LIKE '%\\_\\_staging'").result_rows
    assert leftovers == []

    # Every query file, DuckDB against the same data served over HTTP.
    _check(con, datetime(2026, 11, 23, 10), engine_source=ClickHouseServerReader())


def test_a_server_error_reaches_the_reader_as_an_exception(http_front):
    from queries.engines import ClickHouseServerReader
    reader = ClickHouseServerReader()
    with pytest.raises(Exception, match="UNKNOWN_TABLE|doesn't exist|does not exist"):
        reader.cursor().execute("SELECT count(*) FROM no_such_table").df()
