"""handoff_rates (the unit league's 推诿率: dispatched and passed-on cases only, no delays) gives exactly
handoff_units' unit_code, dispatched_cases, passed_on_cases and handoff_rate (values, dtypes, rows and
their order) for random windows, grants and filters, on test_case_handoffs' random histories (returns,
repeats, rework after handling); and a case or a hand-off missing from the built tables is caught."""
from __future__ import annotations

import pytest

from queries.handoffs import unit_handoff_rates, unit_handoffs
from tests.builders import rows_removed, unequal_frames
from tests.test_case_handoffs import city, scopes  # noqa: F401 - the module fixture and its selections

COLUMNS = ["unit_code", "dispatched_cases", "passed_on_cases", "handoff_rate"]


def mismatches(con, scope_list, expected) -> int:
    return unequal_frames((unit_handoff_rates(con, scope), want) for scope, want in zip(scope_list, expected))


def test_rates_equal_handoff_units_for_random_windows_grants_and_filters(city):  # noqa: F811
    scope_list = scopes(40)
    expected = [unit_handoffs(city, s)[COLUMNS] for s in scope_list]
    # the selections see hand-offs, units with no dispatch in the window and grants that see nothing
    assert sum(int(e["passed_on_cases"].sum()) for e in expected) > 200
    assert any(((e["dispatched_cases"] == 0) & (e["passed_on_cases"] > 0)).any() for e in expected)
    assert any(e.empty for e in expected)
    assert mismatches(city, scope_list, expected) == 0


@pytest.mark.parametrize("table", ["case_handoffs", "case_dispatches"])
def test_one_hand_off_or_dispatch_missing_is_caught(city, table):  # noqa: F811
    scope_list = scopes(24)
    expected = [unit_handoffs(city, s)[COLUMNS] for s in scope_list]
    victim = city.execute("SELECT case_id, to_at FROM case_handoffs ORDER BY case_id, hop LIMIT 1 OFFSET 7").fetchone()
    column = "to_at" if table == "case_handoffs" else "dispatched_at"
    where = f"case_id = $c AND {column} = $at"   # column: one of two constants above
    with rows_removed(city, table, where, {"c": victim[0], "at": victim[1]}) as rows:
        assert len(rows) == 1
        assert mismatches(city, scope_list, expected) > 0
    assert mismatches(city, scope_list, expected) == 0
