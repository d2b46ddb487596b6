"""What every area resolver returns: codes per row, the areas it creates, and flags."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

AREA_COLUMNS = ["area_code", "name", "level", "parent_code", "district_code", "street_code", "community_code",
                "population", "centroid_lat", "centroid_lon", "geojson", "is_synthetic"]
CODE_COLUMNS = ["district_code", "street_code", "community_code", "grid_code"]


@dataclass
class AreaResult:
    codes: pd.DataFrame                      # CODE_COLUMNS per row (None where unknown)
    new_areas: pd.DataFrame                  # AREA_COLUMNS
    flags: list[tuple[pd.Index, str, pd.Series | str]] = field(default_factory=list)  # (rows, code, value)


def area_row(code: str, name: str, level: int, chain: list[str | None]) -> dict:
    """A new area without geometry; chain = ancestor codes at levels 1..level-1."""
    full = (chain + [code] + [None] * 4)[:4]
    return {"area_code": code, "name": name, "level": level, "parent_code": chain[-1] if chain else None,
            "district_code": full[0], "street_code": full[1] if level >= 2 else None,
            "community_code": full[2] if level >= 3 else None, "population": None, "centroid_lat": None,
            "centroid_lon": None, "geojson": None, "is_synthetic": False}
