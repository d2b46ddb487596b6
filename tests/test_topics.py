"""每月一题: decisions kept with who and when, the latest in force; the topic's counts month by month
and against the same days of the month before, per district and unit."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from data.topics import history, set_topic, topics
from queries.topics import monthly, versus_previous
from tests.builders import add_cases, new_db, window_scope

NOW = datetime(2026, 11, 23, 10, 0)


def test_the_latest_decision_of_a_month_is_in_force_and_every_one_is_kept(tmp_path):
    set_topic("2026-11", ["S0101"], "暴露垃圾治理", 0.2, "甲", NOW, folder=tmp_path)
    set_topic("2026-11", ["S0101", "B0201"], "市容 路灯", 0.3, "乙", NOW.replace(hour=11), folder=tmp_path)
    in_force = topics(tmp_path)["2026-11"]
    assert (in_force.categories, in_force.label, in_force.target_fall, in_force.set_by) == \
        (("B0201", "S0101"), "市容 路灯", 0.3, "乙")
    assert [t.set_by for t in history(tmp_path)] == ["甲", "乙"]


@pytest.mark.parametrize("args,message", [
    (("2026/11", ["S0101"], "x", 0.2), "月份格式"), (("2026-11", [], "x", 0.2), "小类"),
    (("2026-11", ["S0101"], "  ", 0.2), "题目名称"), (("2026-11", ["S0101"], "x", 1.5), "目标降幅")])
def test_bad_decisions_are_refused_in_chinese(tmp_path, args, message):
    with pytest.raises(ValueError, match=message):
        set_topic(*args, by="甲", now=NOW, folder=tmp_path)
    assert history(tmp_path) == []


def test_counts_by_month_and_against_the_same_days_of_the_month_before(tmp_path):
    con = new_db()
    lamp = dict(category_code="B0201", major_code="B02", kind="component")
    add_cases(con, [dict(reported_at=datetime(2026, 10, d, 9)) for d in (2, 5, 20, 22, 28, 30)]     # Oct: 6, 4 by the 23rd 10:00
              + [dict(reported_at=datetime(2026, 10, 23, 11))]                                      # after 10:00 on the 23rd
              + [dict(reported_at=datetime(2026, 11, d, 9)) for d in (3, 4)]                       # Nov so far: 2
              + [dict(reported_at=datetime(2026, 11, 5, 9), district="430903")]                    # another district
              + [dict(reported_at=datetime(2026, 11, 6, 9), is_cancelled=True, status="cancelled")]
              + [dict(reported_at=datetime(2026, 11, 7, 9), **lamp)])                              # not the topic
    topic = set_topic("2026-11", ["S0101"], "暴露垃圾", 0.5, "甲", NOW, folder=tmp_path)
    months = monthly(con, window_scope(), topic)
    assert months.month.tolist()[-2:] == [date(2026, 10, 1), date(2026, 11, 1)]
    assert months[["reports", "reports_same_days"]].values.tolist()[-2:] == [[7, 4], [3, 3]]
    overall = versus_previous(con, window_scope(), topic, "all").iloc[0]
    assert (overall.previous_month, overall.previous_same_days, overall.this_month) == (7, 4, 3)
    assert overall.change_rate == pytest.approx(-0.25) and not overall.on_track
    districts = versus_previous(con, window_scope(), topic, "district").set_index("group_code")
    assert districts.loc["430902", ["previous_same_days", "this_month"]].tolist() == [4, 2]
    assert bool(districts.loc["430902", "on_track"])                     # 2 against 4: −50%
    assert districts.loc["430903", "this_month"] == 1 and districts.loc["430903", "previous_same_days"] == 0
