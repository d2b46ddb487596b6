"""Synthetic streets, communities and grids inside the real districts (data/areas.py)."""

import re
import time
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from data.areas import build_areas, load_district_facts, sample_points
from data.geo import AreaIndex, load_district_polygons

REPO_ROOT = Path(__file__).resolve().parents[1]
DISTRICTS_PATH = REPO_ROOT / "data" / "boundaries" / "yiyang_districts.geojson"
CITY = tomllib.loads((REPO_ROOT / "data" / "reference" / "city.toml").read_text(encoding="utf-8"))["city"]
CORE = CITY["urban_core"]
SEED = 20240501


def _build(seed: int = SEED) -> pd.DataFrame:
    return build_areas(DISTRICTS_PATH, CITY["level_names"], CORE, seed=seed)


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    return _build()


@pytest.fixture(scope="module")
def geoms(areas) -> dict:
    return dict(zip(areas["area_code"], shapely.from_geojson(areas["geojson"].to_numpy(dtype=object))))


def _schema_columns(table: str) -> list[str]:
    sql = (REPO_ROOT / "data" / "schema.sql").read_text(encoding="utf-8")
    body = re.search(rf"CREATE TABLE IF NOT EXISTS {table} \((.*?)\n\);", sql, re.S).group(1)
    return [line.split()[0] for line in body.splitlines() if line.strip() and not line.strip().startswith("--")]


# ───────────────────────── shape of the table ─────────────────────────

def test_build_areas_returns_exactly_the_columns_of_the_areas_table(areas):
    assert list(areas.columns) == _schema_columns("areas")


def test_build_areas_is_deterministic_for_a_seed(areas):
    pd.testing.assert_frame_equal(_build(), areas)


def test_another_seed_gives_other_cells_but_the_same_districts(areas):
    other = _build(seed=SEED + 1)
    assert other["geojson"][other["level"] == 4].tolist() != areas["geojson"][areas["level"] == 4].tolist()
    assert other[other["level"] == 1]["area_code"].tolist() == areas[areas["level"] == 1]["area_code"].tolist()


def test_level_one_rows_are_the_six_real_districts_and_only_they_are_not_synthetic(areas):
    districts = areas[areas["level"] == 1]
    assert districts["area_code"].tolist() == ["430902", "430903", "430921", "430922", "430923", "430981"]
    assert not districts["is_synthetic"].any()
    assert areas[areas["level"] > 1]["is_synthetic"].all()
    assert districts["parent_code"].isna().all()


# ───────────────────────── codes and hierarchy ─────────────────────────

def test_codes_have_6_9_12_15_digits_by_level_and_extend_their_parent_code(areas):
    digits = {1: 6, 2: 9, 3: 12, 4: 15}
    for row in areas.itertuples():
        assert row.area_code.isdigit() and len(row.area_code) == digits[row.level]
        if row.level > 1:
            assert row.area_code[:-3] == row.parent_code
    assert areas["area_code"].is_unique


def test_every_level_2_to_4_area_has_a_parent_one_level_up(areas):
    level_of = dict(zip(areas["area_code"], areas["level"]))
    for row in areas[areas["level"] > 1].itertuples():
        assert level_of[row.parent_code] == row.level - 1


def test_ancestor_columns_name_the_area_itself_at_its_own_level_and_are_null_above(areas):
    for row in areas.itertuples():
        assert row.district_code == row.area_code[:6]
        assert row.street_code == row.area_code[:9] if row.level >= 2 else pd.isna(row.street_code)
        assert row.community_code == row.area_code[:12] if row.level >= 3 else pd.isna(row.community_code)


def test_code_numbers_follow_the_national_ranges_for_each_kind(areas):
    for row in areas[areas["level"].isin([2, 3])].itertuples():
        number = int(row.area_code[-3:])
        suffix = row.name[-2:] if row.name.endswith(("街道", "社区")) else row.name[-1]
        allowed = {"街道": range(1, 100), "镇": range(101, 200), "乡": range(201, 300),
                   "社区": range(1, 200), "村": range(201, 400)}[suffix]
        assert number in allowed, row


# ───────────────────────── geometry ─────────────────────────

def test_every_polygon_is_valid_rounded_to_5_decimals_and_almost_all_are_one_piece(areas, geoms):
    assert all(shapely.is_valid(g) for g in geoms.values())
    # A cell is two pieces only where its parent pinches to a point; that happens to 0-2 cells.
    assert sum(g.geom_type == "MultiPolygon" for g in geoms.values()) <= 5
    assert all(g.geom_type in ("Polygon", "MultiPolygon") for g in geoms.values())
    coords = shapely.get_coordinates(np.array(list(geoms.values())))
    assert np.array_equal(np.round(coords, 5), coords)


def test_children_lie_within_their_parent(areas, geoms):
    for row in areas[areas["level"] > 1].itertuples():
        parent = geoms[row.parent_code]
        assert geoms[row.area_code].difference(parent).area < 1e-6 * parent.area


def test_siblings_cover_their_parent_without_gaps_or_overlaps(areas, geoms):
    for parent_code, children in areas[areas["level"] > 1].groupby("parent_code"):
        parent = geoms[parent_code]
        kids = [geoms[c] for c in children["area_code"]]
        union = shapely.union_all(kids)
        assert union.intersection(parent).area / parent.area > 0.999
        assert sum(k.area for k in kids) - union.area < 1e-9 * parent.area


def test_district_polygons_stay_within_a_metre_of_the_committed_boundary_file(areas, geoms):
    official = load_district_polygons(DISTRICTS_PATH)
    for code, (_, polygon) in official.items():
        assert shapely.hausdorff_distance(geoms[code], polygon) < 1e-5


def test_centroids_lie_inside_the_bounds_of_their_polygon(areas, geoms):
    for row in areas.itertuples():
        min_lon, min_lat, max_lon, max_lat = geoms[row.area_code].bounds
        assert min_lat <= row.centroid_lat <= max_lat and min_lon <= row.centroid_lon <= max_lon


# ───────────────────────── counts, names, population ─────────────────────────

def test_counts_are_within_the_targets(areas):
    streets = areas[areas["level"] == 2]
    per_district = streets.groupby("district_code").size()
    assert 70 <= len(streets) <= 90
    assert all(8 <= per_district[c] <= 10 for c in CORE)
    assert all(10 <= n <= 15 for c, n in per_district.items() if c not in CORE)
    assert 400 <= (areas["level"] == 3).sum() <= 600
    assert 1_500 <= (areas["level"] == 4).sum() <= 2_500


def test_the_central_city_has_64_communities_in_the_core_districts_streets(areas):
    central_streets = areas[(areas["level"] == 2) & areas["name"].str.endswith("街道")]
    assert set(central_streets["district_code"]) == set(CORE)
    assert areas["parent_code"].isin(central_streets["area_code"]).sum() == 64


def test_names_are_unique_within_their_parent(areas):
    assert not areas.duplicated(["parent_code", "name"]).any()


def test_names_end_with_the_suffix_of_their_kind(areas):
    streets = areas[areas["level"] == 2]
    in_core = streets["district_code"].isin(CORE)
    assert streets[~in_core]["name"].str.endswith(("镇", "乡")).all()
    assert streets[in_core]["name"].str.endswith(("街道", "镇", "乡")).all()
    communities = areas[areas["level"] == 3]
    under_street = communities["street_code"].isin(streets[streets["name"].str.endswith("街道")]["area_code"])
    assert communities[under_street]["name"].str.endswith("社区").all()
    assert communities[~under_street]["name"].str.endswith(("社区", "村")).all()
    assert communities[~under_street]["name"].str.endswith("村").mean() > 0.8
    name_of = dict(zip(areas["area_code"], areas["name"]))
    for row in areas[areas["level"] == 4].itertuples():
        assert row.name == f"{name_of[row.parent_code]}第{int(row.area_code[-3:])}网格"


def test_districts_carry_the_populations_of_the_reference_file(areas):
    facts = load_district_facts()
    districts = areas[areas["level"] == 1]
    assert dict(zip(districts["area_code"], districts["population"])) == {c: f.population for c, f in facts.items()}


def test_populations_of_siblings_sum_to_their_parent(areas):
    sums = areas[areas["level"] > 1].groupby("parent_code")["population"].sum()
    population_of = areas.set_index("area_code")["population"]
    assert (sums == population_of[sums.index]).all()
    assert (areas["population"] > 0).all()


def test_the_central_city_is_far_denser_than_the_countryside(areas, geoms):
    communities = areas[areas["level"] == 3].copy()
    communities["km2"] = [geoms[c].area * 111.0 * 97.5 for c in communities["area_code"]]
    central_streets = areas[(areas["level"] == 2) & areas["name"].str.endswith("街道")]["area_code"]
    central = communities[communities["parent_code"].isin(central_streets)]
    villages = communities[communities["name"].str.endswith("村")]
    central_density = central["population"].sum() / central["km2"].sum()
    village_density = villages["population"].sum() / villages["km2"].sum()
    assert central_density > 10 * village_density


# ───────────────────────── points ─────────────────────────

def test_sampled_points_lie_strictly_inside_their_grid_and_locate_back_to_it(areas, geoms):
    points = sample_points(areas, level=4, points_per_area=20, rng=np.random.default_rng(5))
    assert set(points) == set(areas[areas["level"] == 4]["area_code"])
    for code, (lat, lon) in points.items():
        assert lat.shape == lon.shape == (20,)
        assert shapely.contains_xy(geoms[code], lon, lat).all()
    codes = np.repeat(list(points), 20)
    lat = np.concatenate([p[0] for p in points.values()])
    lon = np.concatenate([p[1] for p in points.values()])
    located = AreaIndex.from_areas(areas).locate(lat, lon)
    assert (located["grid_code"].to_numpy() == codes).all()
    assert (located["district_code"].to_numpy() == np.array([c[:6] for c in codes])).all()


def test_area_index_over_all_levels_puts_the_centre_of_anhua_in_anhua(areas):
    located = AreaIndex.from_areas(areas).locate(np.array([28.33]), np.array([111.35]))
    row = located.iloc[0]
    assert row["district_code"] == "430923"
    assert row["grid_code"].startswith(row["community_code"]) and row["community_code"].startswith(row["street_code"])


def test_sample_points_is_deterministic_for_an_rng_seed(areas):
    first = sample_points(areas, 3, 5, np.random.default_rng(9))
    second = sample_points(areas, 3, 5, np.random.default_rng(9))
    assert all(np.array_equal(first[c][0], second[c][0]) and np.array_equal(first[c][1], second[c][1]) for c in first)


def test_build_areas_refuses_a_district_missing_from_the_facts_file(tmp_path):
    facts = (REPO_ROOT / "data" / "reference" / "districts.csv").read_text(encoding="utf-8")
    partial = tmp_path / "districts.csv"
    partial.write_text("\n".join(line for line in facts.splitlines() if not line.startswith("430923")),
                       encoding="utf-8")
    with pytest.raises(ValueError, match="430923"):
        build_areas(DISTRICTS_PATH, CITY["level_names"], CORE, seed=1, district_facts_path=partial)


def test_the_frame_loads_into_the_areas_table_of_the_schema_with_nulls_where_expected(areas):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute((REPO_ROOT / "data" / "schema.sql").read_text(encoding="utf-8"))
    con.register("built", areas)
    con.execute("INSERT INTO areas SELECT * FROM built")
    counts = con.execute(
        "SELECT level, count(*), count(parent_code), count(street_code), count(community_code),"
        " sum(population) FROM areas GROUP BY level ORDER BY level").fetchall()
    n = areas.groupby("level").size()
    city = sum(f.population for f in load_district_facts().values())
    assert counts == [
        (1, n[1], 0, 0, 0, city),
        (2, n[2], n[2], n[2], 0, city),
        (3, n[3], n[3], n[3], n[3], city),
        (4, n[4], n[4], n[4], n[4], city),
    ]


def test_sampling_skips_areas_without_a_polygon(areas):
    import numpy as np
    from data.areas import sample_points

    grid = areas[areas["level"] == 4].iloc[0]
    extra = areas.iloc[[0]].assign(area_code=grid["area_code"] + "9", level=4, geojson=None)
    points = sample_points(pd.concat([areas, extra]), level=4, points_per_area=2, rng=np.random.default_rng(1))
    assert grid["area_code"] in points and grid["area_code"] + "9" not in points
