"""Geometry helpers shared by the boundary extractor, the area generator, the seeder and the importer.

Pure functions on numpy arrays and shapely geometries: no streamlit, no duckdb.

Coordinates: every function takes and returns (lat, lon) in degrees, in that order.

GCJ-02 / BD-09 conversion
-------------------------
Chinese map providers publish coordinates in GCJ-02 (AMap, Tencent, most government systems) or
BD-09 (Baidu). The forward formulas (WGS84 -> GCJ-02 -> BD-09) are public; they have no closed-form
inverse, so the inverse here iterates the forward function to a fixed point (converges to ~1e-12
degrees in a few steps because the offset field varies slowly).

The PyPI candidates were checked and not used at run time: `prcoords` (CC0, exact iterative
inverse, the best of them) is scalar-only and measured 1.8 s (GCJ-02) and 2.2 s (BD-09) per 100k
points here, ~20 s for a 1M-row import; `eviltransform` has known BD-09 parameter errors and no
licence in its package metadata; `coord-convert` only has an approximate inverse and pulls in
fiona/GDAL. `prcoords` stays as the independent oracle of the tests (requirements-dev.txt).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_GCJ_A_M = 6378245.0
_GCJ_EE = 0.00669342162296594323
# Baidu's constant shift and angular frequency of BD-09.
_BD_DLAT_DEG = 0.0060
_BD_DLON_DEG = 0.0065
_BD_X_PI = np.pi * 3000.0 / 180.0
# The rectangle inside which GCJ-02 is applied (the same rough box every implementation uses);
# outside it GCJ-02 equals WGS84.
_CHINA_LAT_DEG = (0.8293, 55.8271)
_CHINA_LON_DEG = (72.004, 137.8347)

_INVERSE_TOL_DEG = 1e-12
_INVERSE_MAX_STEPS = 20

FloatArray = np.ndarray


def _as_arrays(lat, lon) -> tuple[FloatArray, FloatArray]:
    lat_a, lon_a = np.broadcast_arrays(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
    return lat_a.astype(float, copy=True), lon_a.astype(float, copy=True)


def _in_china(lat: FloatArray, lon: FloatArray) -> np.ndarray:
    # NaN compares False, so NaN points are treated as outside and pass through as NaN.
    return (
        (lat >= _CHINA_LAT_DEG[0]) & (lat <= _CHINA_LAT_DEG[1])
        & (lon >= _CHINA_LON_DEG[0]) & (lon <= _CHINA_LON_DEG[1])
    )


def _gcj_offset_deg(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 minus WGS84 at a WGS84 point, in degrees (lat, lon)."""
    x = lon - 105.0
    y = lat - 35.0
    wave = 20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)
    dlat_m = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (wave + 20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)
           + 160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon_m = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (wave + 20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)
           + 150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _GCJ_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat_deg = (dlat_m * 180.0) / ((_GCJ_A_M * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * np.pi)
    dlon_deg = (dlon_m * 180.0) / (_GCJ_A_M / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlat_deg, dlon_deg


def wgs84_to_gcj02(lat, lon) -> tuple[FloatArray, FloatArray]:
    """WGS84 -> GCJ-02 (the published forward formula). Identity outside China's box."""
    lat, lon = _as_arrays(lat, lon)
    inside = _in_china(lat, lon)
    dlat, dlon = _gcj_offset_deg(lat[inside], lon[inside])
    lat[inside] += dlat
    lon[inside] += dlon
    return lat, lon


def _gcj_forward_everywhere(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    dlat, dlon = _gcj_offset_deg(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat, lon) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 -> WGS84, exact to ~1e-12 degrees (fixed-point iteration of the forward formula)."""
    gcj_lat, gcj_lon = _as_arrays(lat, lon)
    inside = _in_china(gcj_lat, gcj_lon)
    g_lat, g_lon = gcj_lat[inside], gcj_lon[inside]
    dlat, dlon = _gcj_offset_deg(g_lat, g_lon)
    w_lat, w_lon = _refine(g_lat - dlat, g_lon - dlon, g_lat, g_lon, _gcj_forward_everywhere)
    gcj_lat[inside], gcj_lon[inside] = w_lat, w_lon
    return gcj_lat, gcj_lon


def _refine(guess_lat, guess_lon, target_lat, target_lon, forward):
    """Solve forward(x) = target by x -= forward(x) - target, point by point.

    A point stops moving once its error is below tolerance, so its result depends on the point
    alone and not on the other points of the batch: a vertex shared by two polygons converts to
    bit-identical coordinates whichever polygon it is converted with (needed to keep a coverage
    of districts free of slivers).
    """
    x_lat, x_lon = guess_lat.copy(), guess_lon.copy()
    active = np.flatnonzero(np.isfinite(x_lat) & np.isfinite(x_lon))
    for _ in range(_INVERSE_MAX_STEPS):
        if active.size == 0:
            break
        f_lat, f_lon = forward(x_lat[active], x_lon[active])
        err_lat = f_lat - target_lat[active]
        err_lon = f_lon - target_lon[active]
        x_lat[active] -= err_lat
        x_lon[active] -= err_lon
        active = active[np.maximum(np.abs(err_lat), np.abs(err_lon)) >= _INVERSE_TOL_DEG]
    return x_lat, x_lon


def gcj02_to_bd09(lat, lon) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 -> BD-09 (Baidu's published forward formula; applied everywhere, as Baidu does)."""
    lat, lon = _as_arrays(lat, lon)
    r = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _BD_X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_X_PI)
    return r * np.sin(theta) + _BD_DLAT_DEG, r * np.cos(theta) + _BD_DLON_DEG


def _bd09_to_gcj02_rough(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    x = lon - _BD_DLON_DEG
    y = lat - _BD_DLAT_DEG
    r = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    return r * np.sin(theta), r * np.cos(theta)


def bd09_to_gcj02(lat, lon) -> tuple[FloatArray, FloatArray]:
    """BD-09 -> GCJ-02, exact to ~1e-12 degrees (the textbook inverse refined by iteration)."""
    bd_lat, bd_lon = _as_arrays(lat, lon)
    g_lat, g_lon = _bd09_to_gcj02_rough(bd_lat, bd_lon)
    return _refine(g_lat, g_lon, bd_lat, bd_lon, gcj02_to_bd09)


def wgs84_to_bd09(lat, lon) -> tuple[FloatArray, FloatArray]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))


def bd09_to_wgs84(lat, lon) -> tuple[FloatArray, FloatArray]:
    """BD-09 -> WGS84 via GCJ-02, both steps exact to ~1e-12 degrees."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


# ───────────────────────── polygons ─────────────────────────

def load_district_polygons(path: str | Path) -> dict[str, tuple[str, BaseGeometry]]:
    """Read a FeatureCollection whose features carry properties area_code and name.

    Returns {area_code: (name, geometry)} in file order. Coordinates stay as in the file (WGS84).
    """
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    out: dict[str, tuple[str, BaseGeometry]] = {}
    for feature in collection["features"]:
        props = feature["properties"]
        code = str(props["area_code"])
        if code in out:
            raise ValueError(f"duplicate area_code {code} in {path}")
        out[code] = (str(props["name"]), shapely.from_geojson(json.dumps(feature["geometry"])))
    return out


LOCATE_COLUMNS = ["district_code", "street_code", "community_code", "grid_code"]


class AreaIndex:
    """Point -> area codes at every level, for a hierarchy of polygons.

    A point takes the deepest area that contains it (boundary included) and the codes of that
    area's ancestors, so the four codes are always consistent with each other. Points inside no
    area at a level fall back to the next level up (e.g. an official district file loaded without
    streets); points outside every area get NULL codes. A point exactly on a shared edge goes to
    the area with the smallest code, so the answer does not depend on input order.
    """

    def __init__(self, codes: Iterable[str], levels: Iterable[int],
                 geometries: Iterable[BaseGeometry], parent_codes: Iterable[str | None]):
        self._codes = np.asarray(list(codes), dtype=object)
        self._levels = np.asarray(list(levels), dtype=int)
        geoms = np.asarray(list(geometries), dtype=object)
        parents = list(parent_codes)
        if not (len(self._codes) == len(self._levels) == len(geoms) == len(parents)):
            raise ValueError("codes, levels, geometries and parent_codes differ in length")
        if not set(self._levels) <= {1, 2, 3, 4}:
            raise ValueError("levels must be 1..4")
        parent_of = dict(zip(self._codes, parents))
        level_of = dict(zip(self._codes, self._levels))
        # ancestors[code] = codes at levels 1..4 (None below the area's own level)
        self._ancestors: dict[str, list[str | None]] = {}
        for code in self._codes:
            chain: list[str | None] = [None, None, None, None]
            cur: str | None = code
            while cur is not None:
                if cur not in level_of:
                    raise ValueError(f"parent {cur} of an area is not among the areas")
                chain[level_of[cur] - 1] = cur
                cur = parent_of[cur]
            self._ancestors[code] = chain
        self._trees: list[tuple[STRtree, np.ndarray]] = []
        for level in (4, 3, 2, 1):
            mask = self._levels == level
            if mask.any():
                order = np.argsort(self._codes[mask])  # smallest code first on ties
                self._trees.append((STRtree(geoms[mask][order]), self._codes[mask][order]))

    @classmethod
    def from_areas(cls, areas: pd.DataFrame) -> "AreaIndex":
        """Build from rows shaped like the `areas` table (area_code, level, parent_code, geojson)."""
        geoms = shapely.from_geojson(areas["geojson"].to_numpy(dtype=object))
        parents = [None if pd.isna(p) else str(p) for p in areas["parent_code"]]
        return cls(areas["area_code"].astype(str), areas["level"].astype(int), geoms, parents)

    def locate(self, lat: np.ndarray, lon: np.ndarray) -> pd.DataFrame:
        """One row per input point, in input order, with LOCATE_COLUMNS (None where outside)."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        n = lat.shape[0]
        found = np.full(n, None, dtype=object)
        todo = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
        points = shapely.points(lon[todo], lat[todo])
        for tree, tree_codes in self._trees:
            if todo.size == 0:
                break
            # "intersects" rather than "within": a point on an edge still belongs somewhere.
            point_idx, geom_idx = tree.query(points, predicate="intersects")
            if point_idx.size:
                order = np.lexsort((geom_idx, point_idx))
                point_idx, geom_idx = point_idx[order], geom_idx[order]
                first = np.unique(point_idx, return_index=True)[1]
                found[todo[point_idx[first]]] = tree_codes[geom_idx[first]]
                keep = np.ones(todo.size, dtype=bool)
                keep[point_idx[first]] = False
                todo, points = todo[keep], points[keep]
        rows = [self._ancestors[c] if c is not None else [None] * 4 for c in found]
        return pd.DataFrame(rows, columns=LOCATE_COLUMNS, dtype=object)
