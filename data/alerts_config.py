"""The [alerts] section of city.toml: 预警 rules on the national 蓝/黄/橙/红 scale."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from data.config import _city_toml_path

LEVELS = ("蓝", "黄", "橙", "红")            # least to most urgent (国家预警等级)
LEVEL_COLOURS = {"蓝": "blue", "黄": "yellow", "橙": "orange", "红": "red"}


@dataclass(frozen=True)
class AlertsConfig:
    webhook_url: str = ""
    near_deadline_share: float = 0.8
    near_deadline_level: str = "蓝"
    overdue_levels: tuple[tuple[float, str], ...] = ((0.0, "黄"), (8.0, "橙"), (24.0, "红"))
    whistle_limit_hours: int = 24
    whistle_level: str = "橙"
    anomaly_level: str = "黄"
    anomaly_red_p: float = 1e-12
    unit_on_time_min: float = 0.8
    unit_min_due: int = 30
    unit_on_time_level: str = "橙"
    max_case_alerts: int = 3000

    def overdue_level(self, hours: float) -> str:
        level = self.overdue_levels[0][1]
        for threshold, name in self.overdue_levels:
            if hours >= threshold:
                level = name
        return level

    def rules(self) -> list[dict[str, str]]:
        """The rules as an administrator reads them."""
        overdue = "；".join(f"超过 {h:g} 工作时 {lvl}" for h, lvl in self.overdue_levels)
        return [
            {"rule": "临期", "condition": f"在办案件处置时限已用 {self.near_deadline_share:.0%} 以上（未处置、未到期）",
             "level": self.near_deadline_level, "subject": "案件"},
            {"rule": "超期", "condition": f"已过结案时限仍未结案：{overdue}", "level": "/".join(l for _, l in self.overdue_levels),
             "subject": "案件"},
            {"rule": "吹哨未报到", "condition": f"吹哨后 {self.whistle_limit_hours} 小时部门仍未报到，问题未解决",
             "level": self.whistle_level, "subject": "吹哨 × 部门"},
            {"rule": "异动", "condition": f"预警研判·异动报警（概率低于 {self.anomaly_red_p:g} 为红）",
             "level": f"{self.anomaly_level}/红", "subject": "街道 × 小类"},
            {"rule": "按期结案率偏低", "condition": f"本月按期结案率低于 {self.unit_on_time_min:.0%}（应结案不少于 {self.unit_min_due} 件）",
             "level": self.unit_on_time_level, "subject": "责任单位"},
        ]


@lru_cache(maxsize=4)
def load_alerts(path: Path | None = None) -> AlertsConfig:
    path = Path(path) if path else _city_toml_path()
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("alerts", {})
    default = AlertsConfig()
    levels = tuple((float(h), str(lvl)) for h, lvl in raw.get("overdue_levels", default.overdue_levels))
    config = AlertsConfig(
        webhook_url=str(raw.get("webhook_url", default.webhook_url)),
        near_deadline_share=float(raw.get("near_deadline_share", default.near_deadline_share)),
        near_deadline_level=str(raw.get("near_deadline_level", default.near_deadline_level)),
        overdue_levels=levels,
        whistle_limit_hours=int(raw.get("whistle_limit_hours", default.whistle_limit_hours)),
        whistle_level=str(raw.get("whistle_level", default.whistle_level)),
        anomaly_level=str(raw.get("anomaly_level", default.anomaly_level)),
        anomaly_red_p=float(raw.get("anomaly_red_p", default.anomaly_red_p)),
        unit_on_time_min=float(raw.get("unit_on_time_min", default.unit_on_time_min)),
        unit_min_due=int(raw.get("unit_min_due", default.unit_min_due)),
        unit_on_time_level=str(raw.get("unit_on_time_level", default.unit_on_time_level)),
        max_case_alerts=int(raw.get("max_case_alerts", default.max_case_alerts)),
    )
    named = [config.near_deadline_level, config.whistle_level, config.anomaly_level, config.unit_on_time_level,
             *(lvl for _, lvl in levels)]
    if any(lvl not in LEVELS for lvl in named) or not levels or not 0 < config.near_deadline_share < 1 \
            or not 0 < config.unit_on_time_min <= 1 or config.max_case_alerts < 1 \
            or config.webhook_url and not config.webhook_url.startswith(("http://", "https://")):
        raise ValueError(f"{path}: [alerts] values out of range (levels must be one of {LEVELS}): {config}")
    return config
