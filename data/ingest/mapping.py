"""Mappings: one TOML file per source system saying which column feeds which field, how its codes
translate, which date formats it writes, and how its areas, units and categories are found.

Built-in mappings live in data/ingest/mappings/*.toml; `--mapping` also takes a path to a file of
the same shape. A file may start with `extends = "<built-in name>"` and override only what
differs (e.g. a city whose export names the columns differently).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from data.ingest.reasons import FileRejected

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"

# Fields a mapping may fill (keys of [columns] and [constants]).
TIME_FIELDS = ("reported_at", "accepted_at", "filed_at", "dispatched_at", "handled_at", "verified_at",
               "closed_at", "callback_at")
FIELDS = (
    "case_no", "source", "kind", "major", "minor", "service_code", "description", "opinion",
    "area1", "area2", "area3", "area4", "lat", "lon", "crs",
    *TIME_FIELDS, "handle_deadline", "deadline_at", "updated_at",
    "unit_code", "unit_name", "status", "is_cancelled", "is_shelved", "is_deferred",
    "rework_count", "dispatch_count", "satisfaction",
    "reporter_name", "reporter_phone", "reporter_id_no", "address",
    # Open311 service lists
    "service_name", "group", "service_description",
)
FREE_TEXT_FIELDS = ("description", "opinion", "address", "service_description")


@dataclass(frozen=True)
class Mapping:
    name: str
    title_zh: str
    system: str                       # cases.origin = import:<system>; key = (origin, case_no)
    reader: str                       # table | open311_json_xml
    handler: str                      # cases | services
    city_name: str                    # '' = the configured city (city.toml)
    level_names: tuple[str, ...]      # () = the configured city's
    timezone: str
    min_date: date
    date_formats: tuple[str, ...]
    excel_serial_dates: bool
    working_time: bool                # deadlines and durations on the city's working calendar
    compute_missing_deadlines: bool
    default_crs: str
    detect_columns: tuple[str, ...]
    required_columns: tuple[str, ...]
    columns: dict[str, list[str]]     # field -> source columns (first non-empty wins)
    constants: dict[str, str]
    codes: dict[str, dict[str, Any]]  # table name -> {source value (casefolded): target}
    areas: dict[str, Any]
    units: dict[str, Any]
    categories: dict[str, Any]
    sources: dict[str, str]           # source_code -> name_zh for constant/new sources
    repair_json_leading_zeros: bool
    close_time_from_updated: bool     # no close-time column: a closed record closed at its last update
    path: Path = field(compare=False, default=MAPPINGS_DIR)

    @property
    def origin(self) -> str:
        return f"import:{self.system}"

    def source_columns(self) -> set[str]:
        return {c for cols in self.columns.values() for c in cols}

    def code(self, table: str, value: str):
        """Target of `value` in code table `table`, or None; keys compare case-insensitively."""
        return self.codes.get(table, {}).get(value.casefold())


def builtin_names() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml"))


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _raw(name_or_path: str | Path) -> tuple[dict, Path]:
    path = Path(name_or_path)
    if not (path.suffix == ".toml" and path.exists()):
        path = MAPPINGS_DIR / f"{name_or_path}.toml"
        if not path.exists():
            raise FileRejected("unknown_mapping", name=str(name_or_path), known="、".join(builtin_names()))
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    if "extends" in raw:
        base, _ = _raw(raw.pop("extends"))
        raw = _merge(base, raw)
    return raw, path


def load_mapping(name_or_path: str | Path) -> Mapping:
    raw, path = _raw(name_or_path)
    columns = {}
    for fld, cols in raw.get("columns", {}).items():
        if fld not in FIELDS:
            raise ValueError(f"{path}: unknown field {fld!r} in [columns]")
        columns[fld] = [cols] if isinstance(cols, str) else list(cols)
    constants = {k: str(v) for k, v in raw.get("constants", {}).items()}
    for fld in constants:
        if fld not in FIELDS:
            raise ValueError(f"{path}: unknown field {fld!r} in [constants]")
    codes = {table: {str(k).casefold(): v for k, v in entries.items()}
             for table, entries in raw.get("codes", {}).items()}
    return Mapping(
        name=raw["name"], title_zh=raw["title_zh"], system=raw["system"], reader=raw.get("reader", "table"),
        handler=raw.get("handler", "cases"), city_name=raw.get("city_name", ""),
        level_names=tuple(raw.get("level_names", ())), timezone=raw.get("timezone", ""),
        min_date=date.fromisoformat(raw.get("min_date", "2000-01-01")),
        date_formats=tuple(raw.get("date_formats", ())), excel_serial_dates=bool(raw.get("excel_serial_dates", False)),
        working_time=bool(raw.get("working_time", True)),
        compute_missing_deadlines=bool(raw.get("compute_missing_deadlines", True)),
        default_crs=raw.get("default_crs", ""), detect_columns=tuple(raw.get("detect_columns", ())),
        required_columns=tuple(raw.get("required_columns", ())), columns=columns, constants=constants,
        codes=codes, areas=raw.get("areas", {}), units=raw.get("units", {}), categories=raw.get("categories", {}),
        sources={str(k): str(v) for k, v in raw.get("sources", {}).items()},
        repair_json_leading_zeros=bool(raw.get("repair_json_leading_zeros", False)),
        close_time_from_updated=bool(raw.get("close_time_from_updated", False)), path=path,
    )


def all_mappings() -> list[Mapping]:
    return [load_mapping(n) for n in builtin_names()]


def known_columns() -> set[str]:
    """Every column name any built-in mapping reads: used to find the header row of a table."""
    return set().union(*(m.source_columns() for m in all_mappings()))
