"""Fair league tables: rank units or areas within peer groups, only above a minimum volume, with the
volume shown, ties broken explicitly, rank change against the previous period, and the best and
worst three of each group (红黑榜). Pure functions over kpi_counts frames, no streamlit.

Ranking rule (shown on the page): order by the figure as displayed (rates to 0.01 %, scores to
0.01, hours to 0.1); equal figures: the larger volume first; equal in both: the same rank (并列),
listed by code. Only rows whose volume reaches `min_volume` and which have a figure are ranked.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from queries.kpis import Kpi, kpi_columns, kpi_values, shown_value
from queries.scores import Preset, ScoreConfig, grades_of, score_frame

TIE_RULE = "按显示值排序；显示值相同时，样本量大者在前；两者都相同则名次并列"


@dataclass(frozen=True)
class Measure:
    """What a league ranks by: one KPI, or a composite-score preset."""
    key: str
    label: str
    fmt: str                  # rate | hours | score
    higher_is_better: bool
    volume_column: str        # kpi_counts column of the volume the minimum applies to
    volume_label: str

    @classmethod
    def of_kpi(cls, kpi: Kpi, kpis: dict[str, Kpi]) -> "Measure":
        volume_label = next((k.label for k in kpis.values()
                             if k.denominator is None and k.numerator == kpi.volume_column), "样本量")
        if kpi.fmt == "hours":
            volume_label = "计时案件数"
        return cls(kpi.key, kpi.label, kpi.fmt, kpi.higher_is_better, kpi.volume_column, volume_label)

    @classmethod
    def of_preset(cls, preset: Preset, kpis: dict[str, Kpi]) -> "Measure":
        volume = kpis[preset.volume]
        return cls(f"score:{preset.key}", f"综合指标值（{preset.label}）", "score", True, volume.numerator,
                   volume.label)


def _shown(values: pd.Series, fmt: str) -> pd.Series:
    f = "rate" if fmt == "rate" else "hours" if fmt == "hours" else "score"
    shown = [shown_value(v, f) for v in values.tolist()]   # Python's rounding = the displayed text's
    return pd.Series(shown, index=values.index, dtype=float)


def rank_rows(frame: pd.DataFrame, values: pd.Series, measure: Measure, min_volume: int,
              group_col: str | None) -> pd.DataFrame:
    """`frame` plus value, shown, volume, is_ranked, rank (within the group; NA when not ranked) and
    is_tied, ordered: ranked rows by group and rank, then the rest by volume."""
    out = frame.copy()
    out["value"] = values.astype(float)
    out["shown"] = _shown(out["value"], measure.fmt)
    out["volume"] = out[measure.volume_column].astype(int)
    out["is_ranked"] = (out["volume"] >= min_volume) & out["shown"].notna()
    out["_group"] = (out[group_col] if group_col else pd.Series("", index=out.index)).fillna("")
    out["_key"] = (-1.0 if measure.higher_is_better else 1.0) * out["shown"]
    ranked = out[out.is_ranked].sort_values(["_group", "_key", "volume", "group_code"],
                                            ascending=[True, True, False, True], kind="mergesort")
    position = ranked.groupby("_group", sort=False).cumcount() + 1
    # Competition ranking: a row shares the rank of the first row with the same figure and volume.
    ranks = position.groupby([ranked["_group"], ranked["_key"], ranked["volume"]], sort=False).transform("min")
    ranked = ranked.assign(rank=ranks.astype("Int64"))
    ranked["is_tied"] = ranked.duplicated(["_group", "rank"], keep=False)
    rest = out[~out.is_ranked].sort_values(["_group", "volume", "group_code"], ascending=[True, False, True],
                                           kind="mergesort")
    rest = rest.assign(rank=pd.Series(pd.NA, index=rest.index, dtype="Int64"), is_tied=False)
    return pd.concat([ranked, rest]).drop(columns=["_key", "_group"])


def kpi_league(frame: pd.DataFrame, kpi: Kpi, kpis: dict[str, Kpi], min_volume: int,
               group_col: str | None) -> pd.DataFrame:
    return rank_rows(frame, kpi_values(frame, kpi), Measure.of_kpi(kpi, kpis), min_volume, group_col)


def score_league(frame: pd.DataFrame, preset: Preset, config: ScoreConfig, kpis: dict[str, Kpi],
                 min_volume: int, group_col: str | None) -> pd.DataFrame:
    """Ranked by the preset's composite score; adds points_<i> per component and grade."""
    measure = Measure.of_preset(preset, kpis)
    eligible = frame[measure.volume_column].astype(int) >= min_volume
    scored = score_frame(frame, preset, kpis, group_col=group_col, eligible=eligible)
    out = rank_rows(pd.concat([frame, scored.drop(columns="score")], axis=1), scored["score"], measure,
                    min_volume, group_col)
    out["grade"] = grades_of(out["value"], config)
    return out


def unit_league(frame: pd.DataFrame, kpi: Kpi, kpis: dict[str, Kpi], min_volume: int) -> pd.DataFrame:
    """Units ranked by one KPI across all peer groups (the overview's 红黑榜), with the legacy
    columns unit_code and name."""
    return kpi_league(frame, kpi, kpis, min_volume, None).rename(columns={"group_code": "unit_code"})


def with_rank_change(current: pd.DataFrame, previous: pd.DataFrame, group_col: str | None) -> pd.DataFrame:
    """Adds previous_rank and rank_change (positive = moved up) by matching group and code."""
    keys = ["group_code"] + ([group_col] if group_col else [])
    prev = previous.loc[previous.is_ranked, keys + ["rank"]].rename(columns={"rank": "previous_rank"})
    out = current.merge(prev, on=keys, how="left")
    out["previous_rank"] = out["previous_rank"].astype("Int64")
    out["rank_change"] = (out["previous_rank"] - out["rank"]).where(out["is_ranked"]).astype("Int64")
    return out


def change_texts(table: pd.DataFrame) -> pd.Series:
    """名次变化 as shown: ↑2 / ↓1 / 持平 / 新上榜 / — (not ranked now)."""
    change = table["rank_change"].astype("Float64")
    moved = change.abs().fillna(0).astype(int).astype(str)
    return pd.Series(np.select(
        [~table["is_ranked"].to_numpy(bool), table["previous_rank"].isna().to_numpy(bool),
         (change == 0).fillna(False).to_numpy(bool), (change > 0).fillna(False).to_numpy(bool)],
        ["—", "新上榜", "持平", "↑" + moved], "↓" + moved), index=table.index, dtype=object)


def red_black(table: pd.DataFrame, n: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(best n, worst n) of the ranked rows of one group; worst listed worst first, never
    repeating a row of the best list."""
    ranked = table[table.is_ranked].sort_values("rank", kind="mergesort")  # rank_rows already ordered ties
    best = ranked.head(n)
    worst = ranked.drop(best.index).tail(n).iloc[::-1]
    return best, worst


def league_columns(key: str, kpis: dict[str, Kpi], config: ScoreConfig) -> tuple[str, ...]:
    """The kpi_counts columns a league by `key` reads (the KPI's, or every component's and the
    volume's of a preset): fetch only these, the rest of the row costs most of the query."""
    measure, preset = measure_for(key, kpis, config)
    if preset is None:
        return kpi_columns([kpis[measure.key]])
    return kpi_columns([kpis[c.kpi] for c in preset.components] + [kpis[preset.volume]])


def measure_for(key: str, kpis: dict[str, Kpi], config: ScoreConfig) -> tuple[Measure, Preset | None]:
    """The Measure named by `key`: a KPI key, or "score.<preset>"."""
    if key.startswith("score."):
        preset = config.presets[key.removeprefix("score.")]
        return Measure.of_preset(preset, kpis), preset
    return Measure.of_kpi(kpis[key], kpis), None


def league_table(frame: pd.DataFrame, previous: pd.DataFrame, key: str, kpis: dict[str, Kpi],
                 config: ScoreConfig, min_volume: int, *, area_group: str | None = None) -> pd.DataFrame:
    """The league of one period: units grouped by peer_group, or areas of one level (all in the
    group `area_group`), ranked by `key` (see measure_for), with rank change against `previous`."""
    measure, preset = measure_for(key, kpis, config)

    def one(f: pd.DataFrame) -> pd.DataFrame:
        f = f.copy()
        if area_group is not None:
            f["peer_group"] = area_group
        f["peer_group"] = f["peer_group"].fillna("其他")
        f["name"] = f["name"].fillna(f["group_code"])
        if preset is not None:
            return score_league(f, preset, config, kpis, min_volume, "peer_group")
        return kpi_league(f, kpis[key], kpis, min_volume, "peer_group")

    table = with_rank_change(one(frame), one(previous), "peer_group")
    table["change"] = change_texts(table)
    return table


def export_frame(table: pd.DataFrame, measure: Measure, preset: Preset | None, kpis: dict[str, Kpi],
                 entity_label: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The league as a download / display table with Chinese headers, and the Excel kind of each column."""
    out = pd.DataFrame({
        "分组": table["peer_group"],
        "名次": table["rank"],
        "名次变化": table["change"],
        "上期名次": table["previous_rank"],
        entity_label: table["name"],
        "代码": table["group_code"],
    })
    kinds = {"名次": "count", "上期名次": "count"}
    value_name = "综合指标值" if preset is not None else measure.label + ("（中位，工作时）" if measure.fmt == "hours" else "")
    out[value_name] = table["value"]
    kinds[value_name] = "rate" if measure.fmt == "rate" else "decimal"
    if preset is not None:
        out["等级"] = table["grade"]
        for i, comp in enumerate(preset.components):
            name = f"{comp.label or kpis[comp.kpi].label + '得分'}（权重{comp.weight * 100:g}%）"
            out[name] = table[f"points_{i}"]
            kinds[name] = "decimal"
    elif measure.fmt == "rate":
        kpi = kpis[measure.key]
        out["分子"] = table[kpi.numerator].astype(int)
        kinds["分子"] = "count"
    out[f"样本量（{measure.volume_label}）"] = table["volume"]
    kinds[f"样本量（{measure.volume_label}）"] = "count"
    out["参与排名"] = np.where(table["is_ranked"], "是", "否（未达门槛或无数值）")
    return out.reset_index(drop=True), kinds
