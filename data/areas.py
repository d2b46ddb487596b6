"""The `areas` table: real districts, synthetic streets, communities and grids (demo only).

No public data set has street (街道/乡镇), community (社区/村) or grid (网格) boundaries, so
build_areas() cuts each real district into Voronoi cells, denser in the central city and near each
county seat, then cuts those again, three levels deep. Same inputs and seed -> same table.

Contract of the result (checked by tests/test_areas.py):
- exactly the columns of `areas` in data/schema.sql;
- codes follow the national scheme: district 6 digits, street = district + 3 (9), community =
  street + 3 (12), grid = community + 3 (15); 街道 001-099, 镇 101-199, 乡 201-299, 社区 001-199,
  村 201-399 within their parent, as in the official code lists;
- siblings tile their parent exactly: all geometries are snapped together to a 1e-5 degree grid
  (~1 m), so a parent's polygon is the union of its children's (see exact_nested_coverage);
- populations of siblings sum to their parent's; names are unique within a parent;
- polygons are valid; a cell is a MultiPolygon only where its parent pinches to (nearly) a point
  (0-2 of ~2,700 areas per build).
Level-1 polygons are the committed district file plus the street corners added on its border,
each moved at most ~1 m by the snapping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from data import area_names
from data.geo import load_district_polygons
from data.tessellation import (
    LocalProjection, allocate, exact_nested_coverage, irregular_zone, one_piece_cells,
    place_seeds, random_points_inside, union_faces, voronoi_cells,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DISTRICT_FACTS = REPO_ROOT / "data" / "reference" / "districts.csv"

AREA_COLUMNS = [
    "area_code", "name", "level", "parent_code", "district_code", "street_code", "community_code",
    "population", "centroid_lat", "centroid_lon", "geojson", "is_synthetic",
]

GRID_SIZE_DEG = 1e-5                 # stored coordinates have 5 decimals (~1 m)

# Streets per district. Core districts: central-city 街道 around the seat, towns outside.
CORE_STREETS = 10
CORE_CENTRAL_STREETS = 5
CENTRAL_RADIUS_KM = 6.0
COUNTY_TOWNS_MIN, COUNTY_TOWNS_MAX = 11, 15   # by area: the largest county gets the maximum
COUNTY_SEAT_TOWNS = 2                # towns seeded within COUNTY_SEAT_RADIUS_KM of the seat
COUNTY_SEAT_RADIUS_KM = 4.0

# Communities: the central city has a fixed number; elsewhere one village per N residents.
CENTRAL_CITY_COMMUNITIES = 64
RESIDENTS_PER_VILLAGE = 7_000
VILLAGES_MIN, VILLAGES_MAX = 3, 15
TOWN_COMMUNITIES = 1                 # 社区 at a town's centre; the rest of a town is 村
# Grids: one per N residents, as grid-management rules size them (urban ~300-500 households).
RESIDENTS_PER_URBAN_GRID = 1_300
RESIDENTS_PER_RURAL_GRID = 2_200
GRIDS_MIN, GRIDS_MAX = 2, 10

# Relative residents per km²: 1 + peak * exp(-(distance to seat / radius)²).
CORE_DENSITY_PEAK, CORE_DENSITY_RADIUS_KM = 30.0, 5.0
COUNTY_DENSITY_PEAK, COUNTY_DENSITY_RADIUS_KM = 12.0, 3.0


@dataclass(frozen=True)
class DistrictFacts:
    area_code: str
    name: str
    population: int
    seat_lat: float
    seat_lon: float
    level2_names: tuple[str, ...]


def load_district_facts(path: str | Path = DEFAULT_DISTRICT_FACTS) -> dict[str, DistrictFacts]:
    table = pd.read_csv(path, comment="#", dtype={"area_code": str}, encoding="utf-8")
    return {
        row.area_code: DistrictFacts(row.area_code, row.name, int(row.population), float(row.seat_lat),
                                     float(row.seat_lon), tuple(str(row.level2_names).split("|")))
        for row in table.itertuples(index=False)
    }


@dataclass
class _Area:
    code: str
    name: str
    level: int
    parent: "_Area | None"
    geom_km: BaseGeometry
    seed_km: np.ndarray               # the cell's seed: its centre (town seat, community centre)
    population: int
    kind: str                         # 区县 | 街道 | 镇 | 乡 | 社区 | 村 | 网格
    central: bool = False             # in the central city
    children: list["_Area"] = field(default_factory=list)


def _density_fn(seat_km: np.ndarray, core: bool):
    peak, radius = ((CORE_DENSITY_PEAK, CORE_DENSITY_RADIUS_KM) if core
                    else (COUNTY_DENSITY_PEAK, COUNTY_DENSITY_RADIUS_KM))

    def density(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        d2 = (np.asarray(x) - seat_km[0]) ** 2 + (np.asarray(y) - seat_km[1]) ** 2
        return 1.0 + peak * np.exp(-d2 / radius**2)
    return density


def _split_population(total: int, parent: BaseGeometry, cells: list[BaseGeometry], density) -> np.ndarray:
    """Split total among cells in proportion to the density integrated over each cell.

    The integral is a mean over a regular lattice of ~2,000 points over the parent (no random
    draws, so the rng sequence does not depend on it); a cell too small to hold 5 lattice points
    uses the density at its own inner point. Every cell gets at least one resident.
    """
    min_x, min_y, max_x, max_y = parent.bounds
    step = np.sqrt((max_x - min_x) * (max_y - min_y) / 2_000)
    gx, gy = np.meshgrid(np.arange(min_x + step / 2, max_x, step), np.arange(min_y + step / 2, max_y, step))
    gx, gy = gx.ravel(), gy.ravel()
    lattice_density = density(gx, gy)
    weights = []
    for cell in cells:
        inside = shapely.contains_xy(cell, gx, gy)
        if inside.sum() >= 5:
            mean_density = lattice_density[inside].mean()
        else:
            x, y = shapely.get_coordinates(cell.point_on_surface())[0]
            mean_density = float(density(np.array([x]), np.array([y]))[0])
        weights.append(cell.area * mean_density)
    return allocate(total, weights, minimum=1 if total >= len(cells) else 0)


def _level2_cells(district: BaseGeometry, seat_km: np.ndarray, core: bool, n_streets: int,
                  density, rng: np.random.Generator) -> tuple[list[BaseGeometry], np.ndarray, int]:
    """(cells, seeds, n_near): cells in seed order, the seat's first; the first n_near are near it.

    Core districts: the central city (an irregular zone around the seat) is cut into
    CORE_CENTRAL_STREETS compact 街道 and the rest into towns, so central streets stay small.
    Counties: COUNTY_SEAT_TOWNS seeds near the seat make the towns there smaller.
    """
    seat = seat_km[None, :]
    if core:
        zone = irregular_zone(district, seat_km, CENTRAL_RADIUS_KM, rng)
        rest = district.difference(zone)
        near = np.vstack([seat, place_seeds(zone, CORE_CENTRAL_STREETS - 1, rng, existing=seat, density=density)])
        far = place_seeds(rest, n_streets - CORE_CENTRAL_STREETS, rng, existing=near)
        seeds = np.vstack([near, far])
        cells = one_piece_cells(voronoi_cells(zone, near) + voronoi_cells(rest, far), seeds)
        return cells, seeds, CORE_CENTRAL_STREETS
    disk = shapely.Point(seat_km).buffer(COUNTY_SEAT_RADIUS_KM, quad_segs=16)
    near = np.vstack([seat, place_seeds(district.intersection(disk), COUNTY_SEAT_TOWNS - 1, rng, existing=seat)])
    far = place_seeds(district.difference(disk), n_streets - COUNTY_SEAT_TOWNS, rng, existing=near)
    seeds = np.vstack([near, far])
    return voronoi_cells(district, seeds), seeds, COUNTY_SEAT_TOWNS


def _code_numbers(kinds: list[str], first_number: dict[str, int]) -> list[int]:
    counters = dict(first_number)
    out = []
    for kind in kinds:
        out.append(counters[kind])
        counters[kind] += 1
    return out


def _build_streets(district: _Area, facts: DistrictFacts, core: bool, n_streets: int,
                   density, rng: np.random.Generator) -> None:
    cells, seeds, n_near = _level2_cells(district.geom_km, district.seed_km, core, n_streets, density, rng)
    populations = _split_population(district.population, district.geom_km, cells, density)
    central = [core and i < n_near for i in range(n_streets)]

    street_names = [n for n in facts.level2_names if n.endswith("街道")]
    town_names = [n for n in facts.level2_names if not n.endswith("街道")]
    taken = set(facts.level2_names)
    names = [""] * n_streets
    # 街道 names go to central cells in seed order (seat first); town names to the other cells,
    # seat first (counties) then by population, so the list's 乡 at its end land on small cells.
    central_idx = [i for i in range(n_streets) if central[i]]
    other_idx = [i for i in range(n_streets) if not central[i]]
    if not core:
        other_idx = [0] + sorted(other_idx[1:], key=lambda i: -populations[i])
    else:
        other_idx = sorted(other_idx, key=lambda i: -populations[i])
    for i, name in zip(central_idx, street_names):
        names[i] = name
    for i, name in zip(other_idx, town_names):
        names[i] = name
    for i in range(n_streets):
        if not names[i]:
            names[i] = area_names.spare_town_name("街道" if central[i] else "镇", taken, rng)
    kinds = ["街道" if n.endswith("街道") else "乡" if n.endswith("乡") else "镇" for n in names]
    numbers = _code_numbers(kinds, {"街道": 1, "镇": 101, "乡": 201})
    for i in range(n_streets):
        district.children.append(_Area(
            code=f"{district.code}{numbers[i]:03d}", name=names[i], level=2, parent=district,
            geom_km=cells[i], seed_km=seeds[i], population=int(populations[i]), kind=kinds[i],
            central=central[i]))


def _build_communities(street: _Area, n_communities: int, density, taken: set[str],
                       rng: np.random.Generator) -> None:
    seeds = np.vstack([street.seed_km[None, :],
                       place_seeds(street.geom_km, n_communities - 1, rng,
                                   existing=street.seed_km[None, :], density=density)])
    cells = voronoi_cells(street.geom_km, seeds)
    populations = _split_population(street.population, street.geom_km, cells, density)
    # Central city: all 社区. Towns: the cell at the town's centre is a 社区, the rest 村.
    kinds = ["社区" if street.central or i < TOWN_COMMUNITIES else "村" for i in range(n_communities)]
    numbers = _code_numbers(kinds, {"社区": 1, "村": 201})
    for i in range(n_communities):
        if kinds[i] == "社区":
            name = area_names.urban_community_name(taken, rng)
        else:
            name = area_names.village_name(taken, rng)
        street.children.append(_Area(
            code=f"{street.code}{numbers[i]:03d}", name=name, level=3, parent=street,
            geom_km=cells[i], seed_km=seeds[i], population=int(populations[i]), kind=kinds[i],
            central=street.central))


def _build_grids(community: _Area, grid_word: str, density, rng: np.random.Generator) -> None:
    per_grid = RESIDENTS_PER_URBAN_GRID if community.kind == "社区" else RESIDENTS_PER_RURAL_GRID
    n_grids = int(np.clip(round(community.population / per_grid), GRIDS_MIN, GRIDS_MAX))
    seeds = np.vstack([community.seed_km[None, :],
                       place_seeds(community.geom_km, n_grids - 1, rng, existing=community.seed_km[None, :])])
    cells = voronoi_cells(community.geom_km, seeds)
    populations = _split_population(community.population, community.geom_km, cells, density)
    for i in range(n_grids):
        community.children.append(_Area(
            code=f"{community.code}{i + 1:03d}", name=area_names.grid_name(community.name, i + 1, grid_word),
            level=4, parent=community, geom_km=cells[i], seed_km=seeds[i],
            population=int(populations[i]), kind=grid_word, central=community.central))


def _county_town_counts(areas_km2: dict[str, float]) -> dict[str, int]:
    largest = max(areas_km2.values())
    span = COUNTY_TOWNS_MAX - COUNTY_TOWNS_MIN
    return {code: COUNTY_TOWNS_MIN + int(round(span * a / largest)) for code, a in areas_km2.items()}


def build_areas(districts_geojson_path: str | Path, level_names: list[str], urban_core_codes: list[str],
                seed: int, district_facts_path: str | Path = DEFAULT_DISTRICT_FACTS) -> pd.DataFrame:
    """All four levels as rows of the `areas` table (see the module docstring for the contract).

    level_names: the city's four level names (city.toml); the last one names the grids ("网格").
    urban_core_codes: districts holding the central city (dense 街道 and 社区).
    """
    if len(level_names) != 4:
        raise ValueError("expected four level names")
    grid_word = level_names[3].split("(")[0]
    rng = np.random.default_rng(seed)
    polygons = load_district_polygons(districts_geojson_path)
    facts = load_district_facts(district_facts_path)
    missing = sorted(set(polygons) - set(facts))
    if missing:
        raise ValueError(f"no facts (population, seat) for districts {missing} in {district_facts_path}")
    core = set(urban_core_codes)

    min_lon, min_lat, max_lon, max_lat = shapely.union_all([g for _, g in polygons.values()]).bounds
    proj = LocalProjection((min_lat + max_lat) / 2, (min_lon + max_lon) / 2)
    codes = sorted(polygons)
    geoms_km = {c: proj.to_km(polygons[c][1]) for c in codes}
    towns = _county_town_counts({c: geoms_km[c].area for c in codes if c not in core})

    districts: list[_Area] = []
    for code in codes:
        seat = np.array(proj.xy_km(facts[code].seat_lat, facts[code].seat_lon), dtype=float)
        if not geoms_km[code].contains(shapely.Point(seat)):
            raise ValueError(f"seat of {code} lies outside its polygon")
        district = _Area(code, polygons[code][0], 1, None, geoms_km[code], seat,
                         facts[code].population, "区县")
        density = _density_fn(seat, code in core)
        _build_streets(district, facts[code], code in core, CORE_STREETS if code in core else towns[code],
                       density, rng)
        districts.append(district)

    streets = [s for d in districts for s in d.children]
    central = [s for s in streets if s.central]
    central_counts = dict(zip((s.code for s in central),
                              allocate(CENTRAL_CITY_COMMUNITIES, [s.population for s in central], minimum=3)))
    for district in districts:
        density = _density_fn(district.seed_km, district.code in core)
        taken: set[str] = set()  # community names unique within the district
        for street in district.children:
            n = central_counts.get(street.code) or int(np.clip(
                round(street.population / RESIDENTS_PER_VILLAGE), VILLAGES_MIN, VILLAGES_MAX))
            _build_communities(street, n, density, taken, rng)
            for community in street.children:
                _build_grids(community, grid_word, density, rng)

    return _to_frame(districts, proj)


def _walk(areas: list[_Area]):
    for area in areas:
        yield area
        yield from _walk(area.children)


def _to_frame(districts: list[_Area], proj: LocalProjection) -> pd.DataFrame:
    every = list(_walk(districts))
    grids = [a for a in every if a.level == 4]
    faces, face_ids = exact_nested_coverage([proj.to_deg(g.geom_km) for g in grids], GRID_SIZE_DEG)
    faces = [shapely.transform(f, lambda xy: np.round(xy, 5)) for f in faces]  # shortest decimal text
    ids_of: dict[str, np.ndarray] = {g.code: ids for g, ids in zip(grids, face_ids)}
    for area in reversed(every):  # children before parents
        if area.level < 4:
            ids_of[area.code] = np.concatenate([ids_of[c.code] for c in area.children])

    rows = []
    for area in every:
        geom = union_faces(faces, ids_of[area.code])
        centroid = geom.centroid
        chain = {a.level: a.code for a in _ancestors(area)}
        rows.append({
            "area_code": area.code,
            "name": area.name,
            "level": area.level,
            "parent_code": area.parent.code if area.parent else None,
            "district_code": chain[1],
            "street_code": chain.get(2),
            "community_code": chain.get(3),
            "population": area.population,
            "centroid_lat": round(centroid.y, 6),
            "centroid_lon": round(centroid.x, 6),
            "geojson": json.dumps(geom.__geo_interface__, separators=(",", ":")),
            "is_synthetic": area.level > 1,
        })
    frame = pd.DataFrame(rows, columns=AREA_COLUMNS).sort_values(["level", "area_code"], ignore_index=True)
    return frame.astype({"level": "int16", "population": "int32", "is_synthetic": bool})


def _ancestors(area: _Area):
    while area is not None:
        yield area
        area = area.parent


def sample_points(areas: pd.DataFrame, level: int, points_per_area: int,
                  rng: np.random.Generator) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{area_code: (lat_array, lon_array)} of points_per_area random points strictly inside each
    area of the level that has a polygon (never on a border, so AreaIndex puts each point back in
    its own area). Areas without a polygon (e.g. a grid an import created by name) are left out.

    A data generator places millions of cases cheaply by drawing an area, then one of its points.
    """
    chosen = areas[(areas["level"] == level) & areas["geojson"].notna()]
    geoms = shapely.from_geojson(chosen["geojson"].to_numpy(dtype=object))
    out = {}
    for code, geom in zip(chosen["area_code"], geoms):
        xy = random_points_inside(geom, points_per_area, rng)
        out[code] = (xy[:, 1].copy(), xy[:, 0].copy())
    return out
