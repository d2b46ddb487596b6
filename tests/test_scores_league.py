"""Composite scores, grades and fair league ranking (queries/scores.py, queries/league.py), by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from data.config import load_city
from queries.kpis import registry
from queries.league import (change_texts, export_frame, kpi_league, league_table, measure_for, red_black,
                            with_rank_change)
from queries.scores import grade_of, load_scores, score_frame

CITY = load_city()
KPIS = registry(CITY)
CONFIG = load_scores(CITY.scores_path, KPIS)


def units(rows: list[dict]) -> pd.DataFrame:
    """kpi_counts-like rows: every count column 0 unless given."""
    columns = {c for k in KPIS.values() for c in (k.numerator, k.denominator, k.basis) if c}
    frame = pd.DataFrame([{c: 0 for c in columns} | r for r in rows])
    frame["name"] = frame.get("name", frame["group_code"])
    frame["peer_group"] = frame.get("peer_group", "市直部门")
    return frame


def test_the_shipped_presets_are_the_two_published_formulas_and_a_role_preset():
    dept, region = CONFIG.presets["department"], CONFIG.presets["region"]
    assert [(c.kpi, c.transform, c.weight) for c in dept.components] == [
        ("due", "steps", 0.1), ("closing_rate", "rate", 0.3), ("on_time_disposal_rate", "rate", 0.3),
        ("rework_rate", "inverse_rate", 0.3)]
    assert [(c.kpi, c.weight) for c in region.components] == [
        ("public_report_rate", 0.1), ("filed", 0.2), ("closing_rate", 0.3), ("on_time_rate", 0.4)]
    assert set(CONFIG.for_entity("area")) == {"region", "centre"} and CONFIG.defaults == {"unit": "department",
                                                                                       "area": "region"}
    assert CONFIG.grade_rule() == "A ≥ 90，B ≥ 75，C ≥ 60，D ≥ 40，其余为 E"


def test_the_department_score_of_one_unit_by_hand():
    frame = units([dict(group_code="C001", due_count=50, due_closed_count=48, handle_due_count=50,
                        handled_on_time_count=45, due_rework_count=1)])
    scored = score_frame(frame, CONFIG.presets["department"], KPIS)
    # volume 50 -> 80 points × 0.1 = 8; 96 × 0.3 = 28.8; 90 × 0.3 = 27; (100 − 2) × 0.3 = 29.4
    assert scored.loc[0, ["points_0", "points_1", "points_2", "points_3"]].tolist() == pytest.approx([80, 96, 90, 98])
    assert scored.loc[0, "score"] == pytest.approx(93.2)
    assert grade_of(scored.loc[0, "score"], CONFIG) == "A"


def test_the_stepped_volume_score_takes_the_highest_step_reached():
    frame = units([dict(group_code=f"U{n}", due_count=n) for n in (0, 1, 19, 20, 49, 50, 100, 5000)])
    points = score_frame(frame, CONFIG.presets["department"], KPIS)["points_0"].tolist()
    assert points == [0, 40, 40, 60, 60, 80, 100, 100]


def test_min_max_transforms_scale_within_the_peer_group_over_ranked_members_only():
    frame = units([dict(group_code="A", filed_count=10, peer_group="街道"), dict(group_code="B", filed_count=30, peer_group="街道"),
                   dict(group_code="C", filed_count=20, peer_group="街道"), dict(group_code="D", filed_count=99, peer_group="社区"),
                   dict(group_code="E", filed_count=1000, peer_group="街道")])
    eligible = frame.group_code != "E"
    points = score_frame(frame, CONFIG.presets["region"], KPIS, group_col="peer_group", eligible=eligible)["points_1"]
    # 立案数, fewest best, among A, B, C (E is below the volume rule and is clipped to 0); D alone -> 100.
    assert points.tolist() == [100.0, 0.0, 50.0, 100.0, 0.0]


def test_a_component_without_a_denominator_leaves_the_score_undefined_and_unranked():
    frame = units([dict(group_code="C001", due_count=40, due_closed_count=40, handle_due_count=0),
                   dict(group_code="C002", due_count=40, due_closed_count=40, handle_due_count=40,
                        handled_on_time_count=40)])
    table = league_table(frame, frame.iloc[0:0], "score.department", KPIS, CONFIG, 30)
    first = table.set_index("group_code").loc["C001"]
    assert pd.isna(first["value"]) and pd.isna(first["grade"]) and not first["is_ranked"]
    assert table.set_index("group_code").loc["C002", "grade"] == "A"


@pytest.mark.parametrize("score, grade", [(100, "A"), (90, "A"), (89.994, "B"), (89.995, "A"), (75, "B"),
                                          (74.99, "C"), (60, "C"), (40, "D"), (39.99, "E"), (0, "E")])
def test_grades_follow_the_thresholds_on_the_score_as_shown(score, grade):
    assert grade_of(score, CONFIG) == grade


def test_a_preset_with_weights_not_summing_to_one_or_unknown_parts_is_rejected(tmp_path):
    good = '[grades]\nthresholds = [["A", 90]]\n[presets.p]\nlabel = "x"\napplies_to = "unit"\nvolume = "due"\n'
    cases = [
        'components = [{ kpi = "closing_rate", transform = "rate", weight = 0.5 }]',
        'components = [{ kpi = "no_such_kpi", transform = "rate", weight = 1.0 }]',
        'components = [{ kpi = "due", transform = "rate", weight = 1.0 }]',
        'components = [{ kpi = "due", transform = "steps", weight = 1.0, steps = [[1, 40], [100, 100]] }]',
        'components = [{ kpi = "closing_rate", transform = "log", weight = 1.0 }]',
    ]
    for body in cases:
        path = tmp_path / "scores.toml"
        path.write_text(good + body, encoding="utf-8")
        with pytest.raises(ValueError):
            load_scores(path, KPIS)
    path.write_text(good + 'components = [{ kpi = "closing_rate", transform = "rate", weight = 1.0 }]', encoding="utf-8")
    assert load_scores(path, KPIS).presets["p"].volume == "due"


def league(rows, key="closing_rate", min_volume=30, group_col="peer_group"):
    return kpi_league(units(rows), KPIS[key], KPIS, min_volume, group_col)


def test_ties_on_the_shown_figure_go_to_the_larger_volume_and_full_ties_share_the_rank():
    table = league([
        dict(group_code="A", due_count=40, due_closed_count=38),     # 95.00%
        dict(group_code="B", due_count=60, due_closed_count=57),     # 95.00%, larger volume
        dict(group_code="C", due_count=40, due_closed_count=38),     # ties A in both
        dict(group_code="D", due_count=3000, due_closed_count=2849),  # 94.9666...% shows 94.97%
        dict(group_code="E", due_count=100000, due_closed_count=94996),  # 94.996% shows 95.00%: ties on shown value
        dict(group_code="F", due_count=10, due_closed_count=10),     # 100%, below the minimum volume
    ])
    assert table[["group_code", "rank", "is_tied"]].values.tolist() == [
        ["E", 1, False], ["B", 2, False], ["A", 3, True], ["C", 3, True], ["D", 5, False], ["F", pd.NA, False]]
    assert table.is_ranked.tolist() == [True] * 5 + [False]


def test_a_rate_where_lower_is_better_ranks_the_lowest_first_and_groups_rank_apart():
    table = league([
        dict(group_code="A", due_count=50, due_rework_count=5, peer_group="市直部门"),
        dict(group_code="B", due_count=50, due_rework_count=1, peer_group="市直部门"),
        dict(group_code="C", due_count=50, due_rework_count=9, peer_group="街道(乡镇)"),
    ], key="rework_rate")
    assert table[["peer_group", "group_code", "rank"]].values.tolist() == [
        ["市直部门", "B", 1], ["市直部门", "A", 2], ["街道(乡镇)", "C", 1]]


def test_rank_change_compares_with_the_previous_period_in_the_same_group():
    now = league([dict(group_code=c, due_count=50, due_closed_count=n) for c, n in
                  (("A", 50), ("B", 45), ("C", 40), ("D", 49))])
    before = league([dict(group_code=c, due_count=50, due_closed_count=n) for c, n in
                     (("A", 40), ("B", 45), ("D", 10))] + [dict(group_code="C", due_count=5, due_closed_count=5)])
    table = with_rank_change(now, before, "peer_group")
    table["change"] = change_texts(table)
    got = {r.group_code: (r["rank"], r.previous_rank, r.change) for _, r in table.iterrows()}
    assert got == {"A": (1, 2, "↑1"), "D": (2, 3, "↑1"), "B": (3, 1, "↓2"), "C": (4, pd.NA, "新上榜")}


def test_red_and_black_lists_never_repeat_a_unit():
    table = league([dict(group_code=c, due_count=50, due_closed_count=n) for c, n in
                    (("A", 50), ("B", 45), ("C", 40), ("D", 49))])
    best, worst = red_black(table, 3)
    assert best.group_code.tolist() == ["A", "D", "B"] and worst.group_code.tolist() == ["C"]
    best, worst = red_black(table.iloc[:1], 3)
    assert len(best) == 1 and worst.empty


def test_area_leagues_put_every_area_in_one_group_and_export_with_chinese_headers():
    frame = units([dict(group_code="430902", name="资阳区", due_count=50, due_closed_count=45, due_on_time_count=40,
                        filed_count=60, filed_public_count=6),
                   dict(group_code="430903", name="赫山区", due_count=80, due_closed_count=78, due_on_time_count=70,
                        filed_count=90, filed_public_count=18)]).drop(columns="peer_group")
    frame["peer_group"] = None
    table = league_table(frame, frame, "score.region", KPIS, CONFIG, 30, area_group="区县")
    measure, preset = measure_for("score.region", KPIS, CONFIG)
    out, kinds = export_frame(table, measure, preset, KPIS, "区县")
    # 资阳区: (1 − 10%) × 10 + 100 × 0.2 (fewest filed) + 90 × 0.3 + 80 × 0.4 = 9 + 20 + 27 + 32 = 88
    # 赫山区: (1 − 20%) × 10 + 0 + 97.5 × 0.3 + 87.5 × 0.4 = 8 + 0 + 29.25 + 35 = 72.25
    assert out[["区县", "名次", "名次变化", "综合指标值", "等级"]].values.tolist() == [
        ["资阳区", 1, "持平", pytest.approx(88.0), "B"], ["赫山区", 2, "持平", pytest.approx(72.25), "C"]]
    assert set(out["分组"]) == {"区县"}
    assert kinds["综合指标值"] == "decimal" and kinds["样本量（应结案数）"] == "count"
    assert "立案数得分（权重20%）" in out.columns


def test_a_league_on_only_its_own_columns_equals_the_league_on_whole_rows():
    from datetime import date, datetime

    from queries import cases as q
    from queries.league import league_columns
    from queries.scope import Access, Scope
    from tests import known_city

    con = known_city.build()
    now = Scope(start_date=date(2026, 10, 25), end_date=date(2026, 11, 24), access=Access.demo(),
                now_at=datetime(2026, 11, 23, 10))
    before = now.previous_period()
    for by, entity, keys in (("unit", "unit", ["score.department", "on_time_rate", "handle_hours", "rework_rate"]),
                             ("district", "area", ["score.region", "score.centre", "closing_rate", "overdue_open"])):
        def frames(columns):
            if by == "unit":
                return q.unit_kpis(con, now, columns), q.unit_kpis(con, before, columns)
            return q.area_kpis(con, now, 1, columns), q.area_kpis(con, before, 1, columns)
        for key in keys:
            group = None if by == "unit" else "区县"
            narrow = league_table(*frames(league_columns(key, KPIS, CONFIG)), key, KPIS, CONFIG, 1, area_group=group)
            whole = league_table(*frames(None), key, KPIS, CONFIG, 1, area_group=group)
            assert len(narrow) > 0, (by, key)
            pd.testing.assert_frame_equal(narrow, whole[narrow.columns], check_dtype=False)
    con.close()
