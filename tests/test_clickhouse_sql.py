"""The DuckDB → ClickHouse translation, construct by construct: the text it produces is pinned here
(docs/engines.md has the table), and each construct gives the same value on DuckDB and on chdb."""
from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from queries.clickhouse_sql import TranslationError, param_text, translate
from queries.engines import ChdbSource

pytest.importorskip("chdb")


@pytest.fixture(scope="module")
def ch():
    source = ChdbSource()
    con = duckdb.connect()
    con.execute("CREATE TABLE t (x VARCHAR, n BIGINT, v DOUBLE, a TIMESTAMP, b TIMESTAMP)")
    con.execute("""INSERT INTO t VALUES
        ('a', 1, 1.0, TIMESTAMP '2026-11-01 09:59:00', TIMESTAMP '2026-11-01 10:01:00'),
        ('b', 2, 2.0, TIMESTAMP '2026-11-02 08:00:00', TIMESTAMP '2026-11-03 20:30:00'),
        ('b', 3, 3.0, TIMESTAMP '2026-11-30 23:00:00', NULL),
        (NULL, 4, 6.0, TIMESTAMP '2026-12-01 00:00:00', TIMESTAMP '2026-12-01 00:00:00.5')""")
    source.load_from(con)
    yield source, con
    source.close()


def both(ch, sql: str, **params):
    source, con = ch
    expected = con.execute(sql, params).fetchall()
    got = source.cursor().execute(sql, params).fetchall()
    return expected, got


def test_typed_parameters_carry_the_type_of_the_bound_value():
    sql, bound = translate("SELECT $n + 1, $s, $at::TIMESTAMP, $l::VARCHAR[], $flag, $d::DATE",
                           {"n": 1, "s": "x", "at": datetime(2026, 1, 2), "l": ["a"], "flag": True, "d": date(2026, 1, 2)})
    assert sql == ("SELECT {n: Int64} + 1, {s: String}, CAST({at: DateTime64(6)} AS Nullable(DateTime64(6))), "
                   "{l: Array(String)}, {flag: Bool}, CAST({d: Date32} AS Nullable(Date32))")
    assert set(bound) == {"n", "s", "at", "l", "flag", "d"}


def test_an_unset_list_filter_becomes_null_and_keeps_every_row(ch):
    sql = "SELECT count(*) FROM t WHERE ($xs::VARCHAR[] IS NULL OR list_contains($xs::VARCHAR[], x))"
    assert translate(sql, {"xs": None})[0] == "SELECT COUNT(*) FROM t WHERE (NULL IS NULL OR NULL)"
    assert both(ch, sql, xs=None) == ([(4,)], [(4,)])
    assert both(ch, sql, xs=["b"]) == ([(2,)], [(2,)])
    assert both(ch, sql, xs=[]) == ([(0,)], [(0,)])


def test_count_filter_is_kept_and_counts_the_same(ch):
    sql = "SELECT count(*) FILTER (WHERE n > 1) AS c, count(b) FILTER (WHERE n > 1) AS cb FROM t"
    assert translate(sql, {})[0] == "SELECT COUNT(*) FILTER(WHERE n > 1) AS c, COUNT(b) FILTER(WHERE n > 1) AS cb FROM t"
    assert both(ch, sql) == ([(3, 2)], [(3, 2)])


def test_duckdbs_materialization_hint_is_dropped_and_the_relation_read_twice_counts_the_same(ch):
    sql = "WITH s AS NOT MATERIALIZED (SELECT * FROM t WHERE n > 1) SELECT count(*) FROM s JOIN s AS s2 ON s.x = s2.x"
    assert "MATERIALIZED" not in translate(sql, {})[0]
    expected, got = both(ch, sql)
    assert got == expected == [(4,)]


def test_quantile_cont_interpolates_as_duckdb(ch):
    sql = "SELECT quantile_cont(v, 0.5), quantile_cont(v, 0.9), median(v) FROM t"
    assert translate(sql, {})[0] == ("SELECT quantileExactInclusive(0.5)(v), quantileExactInclusive(0.9)(v), "
                                     "quantileExactInclusive(0.5)(v) FROM t")
    expected, got = both(ch, sql)
    assert got == pytest.approx(expected, rel=1e-12)


def test_date_diff_counts_boundaries_crossed_in_both(ch):
    # 09:59 → 10:01 crosses one hour boundary: 1 in DuckDB and ClickHouse (not a day difference).
    sql = "SELECT n, date_diff('hour', a, b), date_diff('minute', a, b), date_diff('day', a, b) FROM t ORDER BY n"
    assert translate(sql, {})[0] == ("SELECT n, DATE_DIFF(HOUR, a, b), DATE_DIFF(MINUTE, a, b), DATE_DIFF(DAY, a, b) "
                                     "FROM t ORDER BY n")
    expected, got = both(ch, sql)
    assert got == expected
    assert expected[0] == (1, 1, 2, 0)


def test_epoch_of_a_difference_keeps_microseconds(ch):
    sql = "SELECT n, epoch(b - a) / 3600 FROM t ORDER BY n"
    assert translate(sql, {})[0] == "SELECT n, (DATE_DIFF(MICROSECOND, a, b) / 1000000) / 3600 FROM t ORDER BY n"
    expected, got = both(ch, sql)
    assert [r[0] for r in got] == [r[0] for r in expected]
    for (_, e), (_, g) in zip(expected, got):
        assert g is None if e is None else g == pytest.approx(e, rel=1e-12)


def test_qualify_runs_on_clickhouse(ch):
    sql = "SELECT x, n FROM t WHERE x IS NOT NULL QUALIFY row_number() OVER (PARTITION BY x ORDER BY n DESC) = 1 ORDER BY x"
    assert "QUALIFY" in translate(sql, {})[0]
    assert both(ch, sql) == ([("a", 1), ("b", 3)], [("a", 1), ("b", 3)])


def test_generate_series_in_from_becomes_an_array_join(ch):
    sql = ("SELECT d.day::DATE AS day FROM (SELECT TIMESTAMP '2026-11-29' AS s) w, "
           "generate_series(w.s, w.s + INTERVAL 2 DAY, INTERVAL 1 DAY) AS d(day) ORDER BY day")
    assert "ARRAY JOIN" in translate(sql, {})[0]
    expected, got = both(ch, sql)
    assert [r[0] for r in got] == [datetime(2026, 11, 29), datetime(2026, 11, 30), datetime(2026, 12, 1)]
    assert [r[0] for r in expected] == [date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 1)]


def test_a_grain_parameter_is_a_unit_only_from_the_allowed_list():
    sql = "SELECT date_trunc($grain, a) FROM t"
    assert translate(sql, {"grain": "month"})[0] == "SELECT dateTrunc('MONTH', a) FROM t"
    with pytest.raises(TranslationError):
        translate(sql, {"grain": "month'); DROP TABLE t; --"})
    with pytest.raises(TranslationError):
        translate(sql, {"grain": "fortnight"})


def test_columns_lambda_picks_one_identifier_and_refuses_anything_else(ch):
    sql = "SELECT n FROM t WHERE COLUMNS(lambda c: c = $col) > 2 ORDER BY n"
    assert translate(sql, {"col": "n"})[0] == 'SELECT n FROM t WHERE "t"."n" > 2 ORDER BY n'
    assert both(ch, sql, col="n") == ([(3,), (4,)], [(3,), (4,)])
    with pytest.raises(TranslationError):
        translate(sql, {"col": "n > 0 OR 1"})


def test_a_predicate_comes_back_as_a_boolean(ch):
    expected, got = both(ch, "SELECT n, (n > 2 AND v > 0) AS big FROM t ORDER BY n")
    assert got == expected
    assert all(isinstance(row[1], bool) for row in got)


def test_empty_sums_are_null_and_unmatched_left_join_columns_are_null(ch):
    assert both(ch, "SELECT sum(n) FROM t WHERE n > 100") == ([(None,)], [(None,)])
    sql = "SELECT t.n, u.n AS m FROM t LEFT JOIN (SELECT 1::BIGINT AS n) u ON u.n = t.n ORDER BY t.n"
    expected, got = both(ch, sql)
    assert expected == [(1, 1), (2, None), (3, None), (4, None)]
    assert got == expected


def test_parameter_text_escapes_quotes_and_backslashes():
    assert param_text(["a'b", "c\\d"]) == "['a\\'b','c\\\\d']"
    assert param_text(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04:05.000000"
    assert param_text(True) == "true"


def test_a_string_parameter_with_quotes_matches_exactly(ch):
    assert both(ch, "SELECT count(*) FROM t WHERE x = $v", v="a' OR '1'='1") == ([(0,)], [(0,)])
