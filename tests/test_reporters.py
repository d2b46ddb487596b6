"""多人同诉 and 一人多诉 on hand-built reports: one reporter across phone formats, no collisions,
episodes split by the gap, and nothing of the number in any result."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from data.reporter_key import refresh_reporter_keys
from queries.reporters import repeat_reporters, same_issue
from tests.builders import add_cases, add_private, new_db, window_scope

T0 = datetime(2026, 11, 10, 9)


@pytest.fixture
def con(monkeypatch):
    monkeypatch.setenv("DASHBOARD_REPORTER_SALT", "test-salt")
    return new_db()


def reports(con, rows: list[tuple[datetime, str | None]], **kw) -> list[int]:
    """One hotline case per (reported_at, phone); the phone may be None (no reporter)."""
    ids = add_cases(con, [dict(reported_at=at, source="hotline", **kw) for at, _ in rows])
    for case_id, (_, phone) in zip(ids, rows):
        if phone is not None:
            add_private(con, case_id, name="张三", phone=phone)
    refresh_reporter_keys(con)
    return ids


def test_one_reporter_in_any_phone_format_is_one_reporter(con):
    reports(con, [(T0, "13812345678"), (T0 + timedelta(days=1), "+86 138-1234-5678"),
                  (T0 + timedelta(days=2), "138 1234 5678"), (T0 + timedelta(days=3), "13912345678")])
    got = repeat_reporters(con, window_scope(), 3)
    assert got[["reporter_label", "reports", "categories", "streets", "top_minor_name"]].values.tolist() == \
        [["诉求人 1", 3, 1, 1, "暴露垃圾"]]
    assert len(got.case_nos[0]) == 3


def test_the_top_category_is_the_most_reported_and_a_tie_goes_to_the_smaller_code(con):
    # Same reporter: 路灯 (B0201) twice and 暴露垃圾 (S0101) twice → the tie goes to B0201; a third
    # 暴露垃圾 report makes it the top one. Spelled out so DuckDB and ClickHouse agree (not mode()).
    for category, day in (("S0101", 0), ("B0201", 1), ("S0101", 2), ("B0201", 3)):
        reports(con, [(T0 + timedelta(days=day), "13812345678")], category_code=category,
                major_code=category[:3])
    assert repeat_reporters(con, window_scope(), 2).top_minor_name.tolist() == ["路灯"]
    reports(con, [(T0 + timedelta(days=4), "13812345678")], category_code="S0101", major_code="S01")
    assert repeat_reporters(con, window_scope(), 2).top_minor_name.tolist() == ["暴露垃圾"]


def test_reports_outside_the_window_or_cancelled_do_not_count(con):
    reports(con, [(T0, "13812345678"), (T0 + timedelta(days=1), "13812345678"),
                  (datetime(2026, 10, 30, 9), "13812345678"), (datetime(2026, 11, 23, 0), "13812345678")])
    reports(con, [(T0 + timedelta(days=2), "13812345678")], is_cancelled=True, status="cancelled")
    assert repeat_reporters(con, window_scope(), 3).empty
    assert repeat_reporters(con, window_scope(), 2).reports.tolist() == [2]


def test_keys_of_twenty_thousand_numbers_are_all_different_and_hold_no_digits_of_them(con):
    con.execute("""INSERT INTO case_private (case_id, reporter_phone)
                   SELECT i, '1' || lpad((38000000000 + i * 7919)::VARCHAR, 10, '0')[2:] FROM range(20000) t(i)""")
    refresh_reporter_keys(con)
    n, keys, phones = con.execute("SELECT count(*), count(DISTINCT reporter_key), count(DISTINCT reporter_phone) "
                                  "FROM case_private").fetchall()[0]
    assert n == keys == phones == 20000
    leaked = con.execute("SELECT count(*) FROM case_private WHERE contains(reporter_key, right(reporter_phone, 8))"
                         ).fetchall()[0][0]
    assert leaked == 0


def test_another_salt_gives_other_keys(con, monkeypatch):
    reports(con, [(T0, "13812345678")])
    first = con.execute("SELECT reporter_key FROM case_private").fetchall()[0][0]
    con.execute("UPDATE case_private SET reporter_key = NULL")
    monkeypatch.setenv("DASHBOARD_REPORTER_SALT", "another")
    refresh_reporter_keys(con)
    assert con.execute("SELECT reporter_key FROM case_private").fetchall()[0][0] not in (first, None)


def test_no_result_holds_a_name_a_number_or_a_key(con):
    reports(con, [(T0 + timedelta(hours=h), "13812345678") for h in range(4)])
    reports(con, [(T0 + timedelta(hours=h), f"1390000000{h}") for h in range(4)])
    keys = {k for (k,) in con.execute("SELECT reporter_key FROM case_private").fetchall()}
    for frame in (repeat_reporters(con, window_scope(), 2), same_issue(con, window_scope(), 72, 2)):
        text = frame.to_string()
        assert not frame.empty
        assert "13812345678" not in text and "5678" not in text and "张" not in text
        assert not any(k[:12] in text for k in keys)


def test_several_reporters_of_one_problem_in_one_grid_are_one_episode_until_a_long_gap(con):
    reports(con, [(T0, "13800000001"), (T0 + timedelta(hours=30), "13800000002"),
                  (T0 + timedelta(hours=60), "13800000003"), (T0 + timedelta(hours=61), "13800000003"),
                  (T0 + timedelta(hours=62 + 73), "13800000004"),        # 73 h after the last: a new episode
                  (T0 + timedelta(hours=62), None)])                      # no phone: a report, not a reporter
    reports(con, [(T0 + timedelta(hours=1), "13800000009")], district="430903")   # another grid
    got = same_issue(con, window_scope(), 72, 3)
    assert got[["reports", "reporters", "minor_name", "grid_name"]].values.tolist() == \
        [[5, 3, "暴露垃圾", "大码头社区第1网格"]]
    assert got.first_at[0] == T0 and got.last_at[0] == T0 + timedelta(hours=62)
    assert same_issue(con, window_scope(), 72, 4).empty
    assert len(same_issue(con, window_scope(), 200, 4)) == 1
