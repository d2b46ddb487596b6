"""The [signals] section of city.toml: parameters of 预计办结, 重复发生, 多人同诉/一人多诉 and 异动.

They change results, so pages pass them to the query functions (and so into cache keys) explicitly.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from data.config import _city_toml_path


@dataclass(frozen=True)
class SignalsConfig:
    expected_window_days: int = 180
    expected_min_cases: int = 20
    recurrence_days: int = 30
    recurrence_meters: float = 100.0
    same_issue_hours: int = 72
    same_issue_reporters: int = 3
    repeat_reports: int = 3
    anomaly_weeks: int = 8
    anomaly_p: float = 0.00001
    anomaly_min_count: int = 5


@lru_cache(maxsize=4)
def load_signals(path: Path | None = None) -> SignalsConfig:
    """[signals] of the city configuration, validated; missing keys take the defaults above."""
    path = Path(path) if path else _city_toml_path()
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("signals", {})
    unknown = sorted(set(raw) - {f.name for f in fields(SignalsConfig)})
    if unknown:
        raise ValueError(f"{path}: [signals] has unknown keys {unknown}")
    default = SignalsConfig()
    values = {f.name: type(getattr(default, f.name))(raw.get(f.name, getattr(default, f.name)))
              for f in fields(SignalsConfig)}
    config = SignalsConfig(**values)
    if config.expected_window_days < 7 or config.expected_min_cases < 1 or config.recurrence_days < 1 \
            or not 0 < config.recurrence_meters <= 5000 or config.same_issue_reporters < 2 \
            or config.repeat_reports < 2 or config.anomaly_weeks < 2 or not 0 < config.anomaly_p < 0.5:
        raise ValueError(f"{path}: [signals] values out of range: {config}")
    return config
