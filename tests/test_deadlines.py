"""Case deadlines from the 小类's time limits and the city's 缓办 / 延期 policy (data/deadlines.py).

Hand-computed on the 2026 national schedule, office periods 08:30-12:00 and 14:00-17:30.
Limits used (data/reference/time_limits.csv): every 小类 accepts, files and dispatches in 1 工作时,
verifies in 2 and closes in 1; handling: S0101 暴露垃圾 4 工作时, S0102 1 工作日, S0202 5 工作日,
S0402 2 自然时.
"""
import datetime as dt

import numpy as np
import pytest

from data.config import load_city
from data.deadlines import DEADLINE_COLUMNS, DeadlinePolicy, case_deadlines
from data.worktime import REPO_ROOT, WorkCalendar, load_time_limits

D = dt.datetime
NAT = np.datetime64("NaT")


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar.from_config(REPO_ROOT / "data/reference/city.toml")


@pytest.fixture(scope="module")
def limits():
    return load_time_limits(REPO_ROOT / "data/reference/time_limits.csv")


def one_case(cal, limits, policy=DeadlinePolicy(), *, category="S0101", reported=None, accepted=None, filed=None,
             dispatched=None, handled=None, deferred_hours=0.0, is_extended=False) -> dict:
    def arr(t):
        return np.array([NAT if t is None else np.datetime64(t, "us")], "datetime64[us]")

    got = case_deadlines(cal, limits, policy, category=[category], reported=arr(reported), accepted=arr(accepted),
                         filed=arr(filed), dispatched=arr(dispatched), handled=arr(handled),
                         deferred_hours=deferred_hours, is_extended=is_extended)
    assert tuple(got) == DEADLINE_COLUMNS
    return {k: (None if np.isnat(v[0]) else v[0].astype("datetime64[us]").item()) for k, v in got.items()}


def test_a_four_working_hour_case_reported_on_friday_at_16_30_gets_every_step_deadline(cal, limits):
    got = one_case(cal, limits, reported=D(2026, 11, 20, 16, 30), accepted=D(2026, 11, 20, 16, 40),
                   filed=D(2026, 11, 20, 16, 50), dispatched=D(2026, 11, 20, 17, 0), handled=D(2026, 11, 23, 11, 0))
    assert got["accept_deadline_at"] == D(2026, 11, 20, 17, 30)    # 1 h inside Friday's office time
    assert got["file_deadline_at"] == D(2026, 11, 23, 8, 40)       # Fri 50 min + Mon 10 min
    assert got["dispatch_deadline_at"] == D(2026, 11, 23, 8, 50)   # Fri 40 min + Mon 20 min
    # Fri 17:00-17:30 = 0.5 h; Mon 08:30 + 3.5 h = 12:00, the end of the morning (it stays there).
    assert got["handle_deadline_at"] == D(2026, 11, 23, 12, 0)
    assert got["verify_deadline_at"] == D(2026, 11, 23, 15, 0)     # Mon 11:00-12:00 + 14:00-15:00
    # Closing budget from filing: dispatch 1 h -> Mon 08:50; handle 4 h -> 12:00 (3 h 10 min) + 50 min
    # -> 14:50; verify 2 h -> 16:50; close 1 h -> 40 min Monday + 20 min Tuesday -> Tue 08:50.
    assert got["deadline_at"] == D(2026, 11, 24, 8, 50)


def test_a_deferred_case_pauses_the_clock_for_its_approved_hours(cal, limits):
    steps = dict(category="S0101", reported=D(2026, 11, 23, 8, 30), accepted=D(2026, 11, 23, 8, 35),
                 filed=D(2026, 11, 23, 8, 40), dispatched=D(2026, 11, 23, 9, 0), deferred_hours=7.0)
    paused = one_case(cal, limits, DeadlinePolicy(deferred="pause"), **steps)
    # 4 h + 7 h paused = 11 h from Mon 09:00: Mon 6.5 h, Tue morning 3.5 h (10 h), Tue 14:00 + 1 h.
    assert paused["handle_deadline_at"] == D(2026, 11, 24, 15, 0)
    # Closing: Mon 08:40 + 1 h -> 09:40; + 11 h -> Tue 15:40; + 2 h -> Wed 08:40; + 1 h -> Wed 09:40.
    assert paused["deadline_at"] == D(2026, 11, 25, 9, 40)
    ignored = one_case(cal, limits, DeadlinePolicy(deferred="ignore"), **steps)
    assert ignored["handle_deadline_at"] == D(2026, 11, 23, 15, 0)  # Mon 09:00 + 3 h + 1 h
    assert ignored["deadline_at"] == D(2026, 11, 24, 9, 40)         # exactly one working day (7 h) earlier
    # Steps before the pause do not move.
    assert paused["dispatch_deadline_at"] == ignored["dispatch_deadline_at"] == D(2026, 11, 23, 9, 40)


def test_an_extended_case_moves_its_handling_deadline_by_the_configured_share_of_the_limit(cal, limits):
    steps = dict(category="S0102", filed=D(2026, 11, 23, 8, 40), dispatched=D(2026, 11, 23, 9, 0), is_extended=True)
    # 1 工作日 = 7 h from Mon 09:00: Mon 6.5 h + Tue 0.5 h -> Tue 09:00.
    assert one_case(cal, limits, DeadlinePolicy(extended="ignore"), **steps)["handle_deadline_at"] == D(2026, 11, 24, 9, 0)
    # Moved by one more limit: 14 h -> Mon 6.5 + Tue 7 + Wed 0.5 -> Wed 09:00.
    moved = one_case(cal, limits, DeadlinePolicy(extended="move", extension_limits=1.0), **steps)
    assert moved["handle_deadline_at"] == D(2026, 11, 25, 9, 0)
    # Half a limit more: 10.5 h -> Mon 6.5 + Tue morning 3.5 -> Tue 14:30.
    half = one_case(cal, limits, DeadlinePolicy(extended="move", extension_limits=0.5), **steps)
    assert half["handle_deadline_at"] == D(2026, 11, 24, 14, 30)
    # The closing deadline moves with it, by the same 7 working hours.
    plain = one_case(cal, limits, DeadlinePolicy(extended="ignore"), **steps)
    assert cal.work_hours_one(plain["deadline_at"], moved["deadline_at"]) == 7.0
    # Not extended: the policy changes nothing.
    assert one_case(cal, limits, **(steps | {"is_extended": False}))["handle_deadline_at"] == D(2026, 11, 24, 9, 0)


def test_a_five_working_day_case_dispatched_before_the_spring_festival(cal, limits):
    # S0202 5 工作日 from Fri 13 Feb 2026 10:00; 调休 Saturday 14 Feb works, 15-23 Feb are off.
    got = one_case(cal, limits, category="S0202", filed=D(2026, 2, 13, 9, 40), dispatched=D(2026, 2, 13, 10, 0))
    assert got["handle_deadline_at"] == D(2026, 2, 27, 10, 0)


def test_a_case_dispatched_the_evening_before_national_day_starts_after_the_holiday_week(cal, limits):
    got = one_case(cal, limits, category="S0101", filed=D(2026, 9, 30, 19, 50), dispatched=D(2026, 9, 30, 20, 0))
    assert got["handle_deadline_at"] == D(2026, 10, 8, 14, 30)   # Thu 8 Oct 08:30 + 3.5 h + 0.5 h
    assert got["dispatch_deadline_at"] == D(2026, 10, 8, 9, 30)


def test_natural_hour_limits_ignore_office_hours(cal, limits):
    got = one_case(cal, limits, category="S0402", dispatched=D(2026, 11, 20, 22, 0))
    assert got["handle_deadline_at"] == D(2026, 11, 21, 0, 0)


def test_steps_that_have_not_happened_have_no_deadline_but_the_closing_clock_runs_from_filing(cal, limits):
    got = one_case(cal, limits, reported=D(2026, 11, 23, 9, 0), accepted=D(2026, 11, 23, 9, 5),
                   filed=D(2026, 11, 23, 9, 10))
    assert got["handle_deadline_at"] is None and got["verify_deadline_at"] is None
    assert got["deadline_at"] is not None
    assert one_case(cal, limits, reported=D(2026, 11, 23, 9, 0))["deadline_at"] is None


def test_the_city_configuration_gives_the_policy_and_rejects_unknown_modes():
    assert DeadlinePolicy.from_city(load_city()) == DeadlinePolicy("pause", "move", 1.0)
    with pytest.raises(ValueError):
        DeadlinePolicy(deferred="stretch")
    deferred, extended = DeadlinePolicy().describe()
    assert "顺延" in deferred and "2 倍" in extended


def _limits_table_one_by_one(limits, categories):
    """口径说明's table as it was built before session 9: one limits_for per 小类 and step (the reference)."""
    import pandas as pd

    from data.deadlines import STEP_NAMES, UNIT_NAMES
    from data.worktime import limits_for

    rows = []
    for cat in categories.itertuples():
        row = {"小类代码": cat.category_code, "大类": cat.major_name, "小类": cat.minor_name}
        for step, name in STEP_NAMES.items():
            amount, unit = limits_for(limits, [cat.category_code], step)
            row[name] = f"{amount[0]:g} {UNIT_NAMES[unit[0]]}"
        rows.append(row)
    return pd.DataFrame(rows)


def test_the_limits_table_shows_every_category_s_limits_as_the_one_by_one_lookup_did():
    import pandas as pd

    from data.deadlines import limits_table

    limits = load_time_limits(REPO_ROOT / "data/reference/time_limits.csv")
    categories = pd.read_csv(REPO_ROOT / "data/reference/categories.csv", dtype=str)
    # and a 小类 the limits file does not list: it takes the '*' defaults
    categories = pd.concat([categories, pd.DataFrame([{"category_code": "Z9901", "major_name": "其他",
                                                       "minor_name": "未列时限"}])], ignore_index=True)
    table = limits_table(limits, categories)
    pd.testing.assert_frame_equal(table, _limits_table_one_by_one(limits, categories))
    assert len(table) == len(categories) > 40
    assert table.iloc[-1].tolist() == ["Z9901", "其他", "未列时限", "1 工作时", "1 工作时", "1 工作时", "1 工作日",
                                       "2 工作时", "1 工作时"]
