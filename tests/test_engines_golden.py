"""Golden test: every query of the dashboard gives the same result on DuckDB and on chdb (ClickHouse
in-process) over the same data — exactly for counts, codes and timestamps, to 1e-9 for rates and
hours. Two data sets: the known city (tests/known_city.py, edge cases by hand) and a seeded city.

The seeded city has GOLDEN_SEED_CASES cases (default 20,000; the demo's 200k also passes, it only
takes longer: see docs/engines.md for the figures). Query files that no call reaches fail the test
unless tests/engine_golden.SKIP names them with a reason.
"""
from __future__ import annotations

import os
from datetime import date, datetime

import duckdb
import pytest

pytest.importorskip("chdb")

from tests.engine_golden import SKIP, chdb_copy_of, duck_source_of, query_files, run_golden  # noqa: E402

pytestmark = pytest.mark.engines


def _report(rep) -> str:
    lines = [f"{len(rep.errors)} errors, {len(rep.mismatches)} mismatches of {rep.compared + len(rep.errors)} calls"]
    lines += [f"ERROR {k}: {v}" for k, v in list(rep.errors.items())[:10]]
    lines += [f"DIFF {k}: {v}" for k, v in list(rep.mismatches.items())[:10]]
    if rep.files_missing:
        lines.append(f"query files no call reaches (add a call in tests/engine_golden.calls, or a reason to SKIP): "
                     f"{rep.files_missing}")
    return "\n".join(lines)


def _check(con, now_at: datetime, engine_source=None):
    """Golden comparison of `con` on DuckDB against `engine_source` (default: a chdb copy of it)."""
    ch = engine_source if engine_source is not None else chdb_copy_of(con)
    try:
        case_ids = [r[0] for r in con.execute(
            "SELECT case_id FROM (SELECT case_id, row_number() OVER (PARTITION BY status ORDER BY case_id) AS k "
            "FROM cases) WHERE k = 1 ORDER BY case_id LIMIT 3").fetchall()]
        batch_ids = [r[0] for r in con.execute("SELECT batch_id FROM import_ledger ORDER BY batch_id LIMIT 1").fetchall()]
        categories = tuple(r[0] for r in con.execute(
            "SELECT category_code FROM cases GROUP BY category_code ORDER BY count(*) DESC, category_code LIMIT 2").fetchall())
        rep = run_golden(duck_source_of(con), ch, now_at, case_ids=case_ids or [1], batch_ids=batch_ids or [1],
                         categories=categories)
    finally:
        if engine_source is None:
            ch.close()
    assert not rep.errors and not rep.mismatches and not rep.files_missing, _report(rep)
    assert rep.compared > 100


def test_every_query_gives_the_same_result_on_duckdb_and_chdb_for_the_known_city():
    from tests.known_city import build
    _check(build(), datetime(2026, 11, 23, 10))


@pytest.fixture(scope="module")
def seeded_city(tmp_path_factory):
    from data.config import published_path
    from data.seed import build
    db = tmp_path_factory.mktemp("golden") / "city.duckdb"
    build(db, n_cases=int(os.environ.get("GOLDEN_SEED_CASES", "20000")), seed=17, today=date(2026, 11, 23),
          progress=lambda *a: None)
    con = duckdb.connect(str(published_path(db)), read_only=True)
    yield con
    con.close()


def test_every_query_gives_the_same_result_on_duckdb_and_chdb_for_a_seeded_city(seeded_city):
    # data/seed.py's clock for a past `today`: 15:30 that day.
    _check(seeded_city, datetime(2026, 11, 23, 15, 30))


def test_skipped_query_files_exist_and_say_why():
    for name, reason in SKIP.items():
        assert name in query_files(), f"SKIP names {name}, which is not a query file"
        assert len(reason) > 10



def test_a_translation_that_changes_a_number_fails_the_comparison(monkeypatch):
    """The comparison is not vacuous: translate medians with quantileExactLow (no interpolation between
    the two middle values) instead of quantileExactInclusive (DuckDB's quantile_cont), and the KPI
    calls report differences."""
    from queries import clickhouse_sql
    from tests.known_city import build
    con = build()
    ch = chdb_copy_of(con)
    real = clickhouse_sql.translate
    used = []

    def broken(sql, params, schema=()):
        text, bound = real(sql, params, schema)
        used.append("quantileExactInclusive(" in text)
        return text.replace("quantileExactInclusive(", "quantileExactLow("), bound

    monkeypatch.setattr(clickhouse_sql, "translate", broken)
    try:
        rep = run_golden(duck_source_of(con), ch, datetime(2026, 11, 23, 10), case_ids=[1], batch_ids=[1],
                         only={"case_kpis", "unit_kpis"})
    finally:
        ch.close()
    assert any(used) and rep.compared >= 4
    assert any(k.startswith("case_kpis") for k in rep.mismatches), rep.mismatches
