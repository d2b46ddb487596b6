"""Composite scores (综合指标值, 0–100) and grades A–E from data/reference/scores.toml.

score = Σ weight × component value, each component a KPI of the registry turned into 0..100 by its
transform (see the head of scores.toml). The KPIs themselves come from SQL (kpi_counts.sql); this
module only combines them, so a score can always be traced to its components and their counts.
Pure functions, no streamlit.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from queries.kpis import Kpi, kpi_values

TRANSFORMS = {
    "rate": "100 × 比率",
    "inverse_rate": "100 × (1 − 比率)",
    "minmax_high": "同组内线性换算：最高者 100，最低者 0",
    "minmax_low": "同组内线性换算：最低者 100，最高者 0",
    "steps": "分档计分",
}


@dataclass(frozen=True)
class Component:
    kpi: str
    transform: str
    weight: float
    label: str | None = None
    steps: tuple[tuple[float, float], ...] = ()   # (threshold, points), highest threshold first

    def describe(self, kpis: dict[str, Kpi]) -> str:
        name = self.label or kpis[self.kpi].label
        if self.transform == "steps":
            bands = "，".join(f"≥{t:g} 件得 {p:g}" for t, p in self.steps)
            rule = f"{kpis[self.kpi].label}分档（{bands}，其余 0）"
        elif self.transform == "rate":
            rule = f"{kpis[self.kpi].label}×100"
        elif self.transform == "inverse_rate":
            rule = f"(1 − {kpis[self.kpi].label})×100"
        else:
            rule = f"{kpis[self.kpi].label}：{TRANSFORMS[self.transform]}"
        return f"{name}：{rule}，权重 {self.weight * 100:g}%"


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    applies_to: str           # unit | area
    source: str
    volume: str               # count KPI the minimum-volume rule uses
    components: tuple[Component, ...]


@dataclass(frozen=True)
class ScoreConfig:
    presets: dict[str, Preset]
    grades: tuple[tuple[str, float], ...]   # (grade, lowest score), best first
    lowest: str
    defaults: dict[str, str]                # applies_to -> preset key

    def for_entity(self, applies_to: str) -> dict[str, Preset]:
        return {k: p for k, p in self.presets.items() if p.applies_to == applies_to}

    def grade_rule(self) -> str:
        return "，".join(f"{g} ≥ {t:g}" for g, t in self.grades) + f"，其余为 {self.lowest}"


def load_scores(path: Path | str, kpis: dict[str, Kpi]) -> ScoreConfig:
    """Reads and validates scores.toml against the KPI registry."""
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    presets = {}
    for key, p in raw.get("presets", {}).items():
        comps = tuple(Component(c["kpi"], c["transform"], float(c["weight"]), c.get("label"),
                                tuple((float(t), float(v)) for t, v in c.get("steps", ())))
                      for c in p["components"])
        problems = [c.kpi for c in comps if c.kpi not in kpis] + \
                   [c.transform for c in comps if c.transform not in TRANSFORMS]
        problems += [c.kpi for c in comps if c.transform in ("rate", "inverse_rate") and c.kpi in kpis
                     and kpis[c.kpi].fmt != "rate"]
        problems += [c.kpi for c in comps if c.transform == "steps"
                     and (not c.steps or list(c.steps) != sorted(c.steps, reverse=True))]
        if p.get("applies_to") not in ("unit", "area") or p.get("volume") not in kpis or problems \
                or any(c.weight < 0 for c in comps) or not math.isclose(sum(c.weight for c in comps), 1.0):
            raise ValueError(f"{path}: preset {key!r} is invalid (applies_to unit|area, volume a KPI, "
                             f"weights >= 0 summing to 1, known KPIs and transforms; problems: {problems})")
        presets[key] = Preset(key, p["label"], p["applies_to"], p.get("source", ""), p["volume"], comps)
    grades = tuple((g, float(t)) for g, t in raw["grades"]["thresholds"])
    if [t for _, t in grades] != sorted((t for _, t in grades), reverse=True):
        raise ValueError(f"{path}: grade thresholds must go from the highest down")
    defaults = dict(raw.get("defaults", {}))
    if any(v not in presets for v in defaults.values()):
        raise ValueError(f"{path}: a default names an unknown preset")
    return ScoreConfig(presets, grades, raw["grades"].get("lowest", "E"), defaults)


def _component_points(values: pd.Series, comp: Component, lo: pd.Series, hi: pd.Series) -> pd.Series:
    """0..100 points of one component; lo / hi: per row, the peer group's range the min-max
    transforms scale against."""
    if comp.transform == "rate":
        return values * 100
    if comp.transform == "inverse_rate":
        return (1 - values) * 100
    if comp.transform == "steps":
        out = pd.Series(0.0, index=values.index)
        for threshold, points in reversed(comp.steps):   # lowest first, higher steps overwrite
            out = out.where(~(values >= threshold), points)
        return out.where(values.notna())
    spread = hi - lo
    scaled = ((values - lo) / spread.where(spread > 0)).clip(0, 1) * 100
    scaled = scaled.where(spread > 0, 100.0).where(values.notna())   # all equal: everyone full marks
    return scaled if comp.transform == "minmax_high" else (100 - scaled).where(spread > 0, 100.0).where(values.notna())


def score_frame(frame: pd.DataFrame, preset: Preset, kpis: dict[str, Kpi], *, group_col: str | None = None,
                eligible: pd.Series | None = None) -> pd.DataFrame:
    """Per row of a kpi_counts frame: each component's points (columns `points_<i>`), `score`
    (0..100, NaN when any weighted component has no value) and nothing else. Min-max transforms
    scale within the row's peer group (`group_col`) over the `eligible` rows (all when None or none)."""
    out = pd.DataFrame(index=frame.index)
    groups = (frame[group_col] if group_col else pd.Series("all", index=frame.index)).fillna("")
    eligible = eligible if eligible is not None else pd.Series(True, index=frame.index)
    # Rows whose group has no eligible member scale against the whole group.
    peer = eligible | ~eligible.groupby(groups).transform("any")
    total = pd.Series(0.0, index=frame.index)
    for i, comp in enumerate(preset.components):
        values = kpi_values(frame, kpis[comp.kpi])
        peer_values = values.where(peer)
        lo = peer_values.groupby(groups).transform("min")
        hi = peer_values.groupby(groups).transform("max")
        points = _component_points(values, comp, lo, hi)
        out[f"points_{i}"] = points
        total = total + comp.weight * points if comp.weight > 0 else total
    out["score"] = total.clip(0, 100)
    return out


def grades_of(scores: pd.Series, config: ScoreConfig) -> pd.Series:
    """grade_of for every score (None where there is no score)."""
    return pd.Series([grade_of(v, config) for v in scores.tolist()], index=scores.index, dtype=object)


def grade_of(score: float | None, config: ScoreConfig) -> str | None:
    """A–E by the configured thresholds (on the score as shown, to 0.01); None without a score."""
    if score is None or score != score:
        return None
    shown = round(float(score), 2)
    for grade, threshold in config.grades:
        if shown >= threshold:
            return grade
    return config.lowest
