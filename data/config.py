"""City configuration (data/reference/city.toml) and the database path.

Another city is one change of configuration: everything city-specific is read from here.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "demo.duckdb"


@dataclass(frozen=True)
class CityConfig:
    name: str
    code: str
    centre_name: str
    level_names: tuple[str, ...]
    boundaries_path: Path
    map_center_lat: float
    map_center_lon: float
    map_zoom: float
    urban_core: tuple[str, ...]
    office_periods: tuple[tuple[str, str], ...]
    calendar_overrides_path: Path
    exclude_cancelled: bool
    exclude_shelved_from_filed: bool
    exclude_shelved_from_due: bool
    exclude_deferred_from_due: bool
    satisfied_min_score: int
    public_sources: tuple[str, ...]
    league_min_volume: int
    scores_path: Path
    deferred_policy: str          # pause | ignore (缓办: the clock stops, or deadlines stay)
    extended_policy: str          # move | ignore (延期: the deadline moves, or stays)
    extension_limits: float       # an approved extension, in multiples of the handling limit
    rounding: str = "half_up"     # half_up (四舍五入) | half_even (GB/T 8170), queries/numbers.py
    disposal_reading: str = "chibi"  # 处置率: chibi (处置结案÷立案派遣) | standard (处置数÷应处置数)


def _city_toml_path() -> Path:
    return Path(os.environ.get("DASHBOARD_CITY", REFERENCE_DIR / "city.toml"))


@lru_cache(maxsize=4)
def load_city(path: Path | None = None) -> CityConfig:
    path = Path(path) if path else _city_toml_path()
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    city, kpi, deadlines = raw["city"], raw.get("kpi", {}), raw.get("deadlines", {})
    satisfied_min = int(kpi.get("satisfied_min_score", 4))
    deferred_policy = deadlines.get("deferred", "pause")
    extended_policy = deadlines.get("extended", "move")
    extension_limits = float(deadlines.get("extension_limits", 1.0))
    rounding = kpi.get("rounding", "half_up")
    disposal_reading = kpi.get("disposal_reading", "chibi")
    if disposal_reading not in ("chibi", "standard"):
        raise ValueError(f"{path}: [kpi] disposal_reading must be chibi (处置结案÷立案派遣) or standard (处置数÷应处置数)")
    if rounding not in ("half_up", "half_even"):
        raise ValueError(f"{path}: [kpi] rounding must be half_up (四舍五入) or half_even (GB/T 8170)")
    if not 1 <= satisfied_min <= 5 or deferred_policy not in ("pause", "ignore") \
            or extended_policy not in ("move", "ignore") or extension_limits < 0:
        raise ValueError(f"{path}: satisfied_min_score must be 1..5, [deadlines] deferred pause|ignore, "
                         f"extended move|ignore, extension_limits >= 0")
    return CityConfig(
        name=city["name"],
        code=str(city["code"]),
        centre_name=city["centre_name"],
        level_names=tuple(city["level_names"]),
        boundaries_path=PROJECT_ROOT / city["boundaries"],
        map_center_lat=float(city["map_center_lat"]),
        map_center_lon=float(city["map_center_lon"]),
        map_zoom=float(city["map_zoom"]),
        urban_core=tuple(city.get("urban_core", ())),
        office_periods=tuple(tuple(p) for p in raw["office_hours"]["periods"]),
        calendar_overrides_path=PROJECT_ROOT / raw["calendar"]["overrides"],
        exclude_cancelled=bool(kpi.get("exclude_cancelled", True)),
        exclude_shelved_from_filed=bool(kpi.get("exclude_shelved_from_filed", True)),
        exclude_shelved_from_due=bool(kpi.get("exclude_shelved_from_due", True)),
        exclude_deferred_from_due=bool(kpi.get("exclude_deferred_from_due", True)),
        satisfied_min_score=satisfied_min,
        public_sources=tuple(kpi.get("public_sources", ("hotline", "app", "media"))),
        league_min_volume=int(kpi.get("league_min_volume", 30)),
        scores_path=PROJECT_ROOT / kpi.get("scores", "data/reference/scores.toml"),
        deferred_policy=deferred_policy,
        extended_policy=extended_policy,
        extension_limits=extension_limits,
        rounding=rounding,
        disposal_reading=disposal_reading,
    )


def db_path() -> Path:
    """The writers' database file: $DASHBOARD_DB, default data/demo.duckdb."""
    return Path(os.environ.get("DASHBOARD_DB", DEFAULT_DB_PATH))


def published_path(db: Path) -> Path:
    """The read-only snapshot the dashboard opens, published atomically by every writer."""
    return db.with_name(db.stem + ".published.duckdb")


# Counts below this never reach the wall screen (security.md rule 6); configuration may only raise it.
MIN_CELL_COUNT_FLOOR = 5
WALL_PANELS = ("units", "categories", "districts")


@dataclass(frozen=True)
class WallConfig:
    """The [wall] section of city.toml: the command-hall screen's refresh, alarms and panels."""

    refresh_seconds: float = 5.0
    stale_minutes: int = 10
    carousel: tuple[str, ...] = WALL_PANELS
    carousel_seconds: float = 20.0
    hotspot_hours: int = 24
    hotspot_cell_degrees: float = 0.05
    min_cell_count: int = MIN_CELL_COUNT_FLOOR
    ticker_rows: int = 6
    league_days: int = 30


@lru_cache(maxsize=4)
def load_wall(path: Path | None = None) -> WallConfig:
    """[wall] of the city configuration, validated; missing keys take the defaults above."""
    path = Path(path) if path else _city_toml_path()
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("wall", {})
    default = WallConfig()
    carousel = tuple(raw.get("carousel", default.carousel)) or ("units",)
    unknown = sorted(set(carousel) - set(WALL_PANELS))
    if unknown:
        raise ValueError(f"{path}: [wall] carousel names unknown panels {unknown}; known: {list(WALL_PANELS)}")
    config = WallConfig(
        refresh_seconds=float(raw.get("refresh_seconds", default.refresh_seconds)),
        stale_minutes=int(raw.get("stale_minutes", default.stale_minutes)),
        carousel=carousel,
        carousel_seconds=float(raw.get("carousel_seconds", default.carousel_seconds)),
        hotspot_hours=int(raw.get("hotspot_hours", default.hotspot_hours)),
        hotspot_cell_degrees=float(raw.get("hotspot_cell_degrees", default.hotspot_cell_degrees)),
        min_cell_count=max(MIN_CELL_COUNT_FLOOR, int(raw.get("min_cell_count", default.min_cell_count))),
        ticker_rows=int(raw.get("ticker_rows", default.ticker_rows)),
        league_days=int(raw.get("league_days", default.league_days)),
    )
    if config.refresh_seconds < 1 or config.carousel_seconds < config.refresh_seconds or config.stale_minutes < 1 \
            or not 0 < config.hotspot_cell_degrees <= 1 or not 1 <= config.ticker_rows <= 20:
        raise ValueError(f"{path}: [wall] values out of range: {config}")
    return config
