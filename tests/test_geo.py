"""Coordinate conversion and point location (data/geo.py)."""

import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from data import geo

REPO_ROOT = Path(__file__).resolve().parents[1]
DISTRICTS_PATH = REPO_ROOT / "data" / "boundaries" / "yiyang_districts.geojson"

# Published reference pairs. wandergis/coordtransform test/app.js (Krasovsky a = 6378245, as here):
# WGS84 (39.915, 116.404) -> GCJ-02 (39.91640428150164, 116.41024449916938)
# GCJ-02 (39.915, 116.404) -> BD-09 (39.92133699351021, 116.41036949371029)
# googollee/eviltransform python tests (uses a = 6378137, so they agree to ~1e-7 degrees only):
EVILTRANSFORM_WGS_GCJ = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


def test_wgs84_to_gcj02_matches_the_published_beijing_reference_point():
    lat, lon = geo.wgs84_to_gcj02(39.915, 116.404)
    assert float(lat) == pytest.approx(39.91640428150164, abs=1e-12)
    assert float(lon) == pytest.approx(116.41024449916938, abs=1e-12)


def test_gcj02_to_bd09_matches_the_published_beijing_reference_point():
    lat, lon = geo.gcj02_to_bd09(39.915, 116.404)
    assert float(lat) == pytest.approx(39.92133699351021, abs=1e-12)
    assert float(lon) == pytest.approx(116.41036949371029, abs=1e-12)


@pytest.mark.parametrize("wgs_lat, wgs_lon, gcj_lat, gcj_lon", EVILTRANSFORM_WGS_GCJ)
def test_gcj02_to_wgs84_recovers_the_eviltransform_reference_points(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    lat, lon = geo.gcj02_to_wgs84(gcj_lat, gcj_lon)
    assert float(lat) == pytest.approx(wgs_lat, abs=1e-6)
    assert float(lon) == pytest.approx(wgs_lon, abs=1e-6)


def _random_points_in_china(n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    return rng.uniform(18.0, 50.0, n), rng.uniform(75.0, 130.0, n)


def test_gcj02_round_trip_is_exact_to_1e_10_degrees():
    lat, lon = _random_points_in_china(20_000)
    back_lat, back_lon = geo.wgs84_to_gcj02(*geo.gcj02_to_wgs84(lat, lon))
    assert np.abs(back_lat - lat).max() < 1e-10
    assert np.abs(back_lon - lon).max() < 1e-10


def test_bd09_round_trip_is_exact_to_1e_10_degrees():
    lat, lon = _random_points_in_china(20_000)
    back_lat, back_lon = geo.wgs84_to_bd09(*geo.bd09_to_wgs84(lat, lon))
    assert np.abs(back_lat - lat).max() < 1e-10
    assert np.abs(back_lon - lon).max() < 1e-10


def test_conversions_agree_with_prcoords_as_an_independent_implementation():
    prcoords = pytest.importorskip("prcoords")
    lat, lon = _random_points_in_china(500)
    gcj_lat, gcj_lon = geo.wgs84_to_gcj02(lat, lon)
    bd_lat, bd_lon = geo.wgs84_to_bd09(lat, lon)
    wgs_from_gcj = np.column_stack(geo.gcj02_to_wgs84(lat, lon))
    wgs_from_bd = np.column_stack(geo.bd09_to_wgs84(lat, lon))
    for i in range(lat.size):
        assert np.allclose(prcoords.wgs_gcj((lat[i], lon[i])), (gcj_lat[i], gcj_lon[i]), rtol=0, atol=1e-12)
        assert np.allclose(prcoords.wgs_bd((lat[i], lon[i])), (bd_lat[i], bd_lon[i]), rtol=0, atol=1e-12)
        # prcoords stops iterating at 1e-5 degrees of step, leaving up to ~2e-7 degrees (2 cm).
        assert np.allclose(prcoords.gcj_wgs_bored((lat[i], lon[i])), wgs_from_gcj[i], rtol=0, atol=1e-6)
        assert np.allclose(prcoords.bd_wgs_bored((lat[i], lon[i])), wgs_from_bd[i], rtol=0, atol=1e-6)


def test_gcj02_offset_in_yiyang_is_a_few_hundred_metres():
    lat, lon = geo.gcj02_to_wgs84(28.55, 112.35)
    shift_m = np.hypot((28.55 - lat) * 111_000, (112.35 - lon) * 97_600)
    assert 300 < shift_m < 700


def test_points_outside_china_and_nan_pass_through_gcj02_unchanged():
    lat, lon = geo.gcj02_to_wgs84([48.85, np.nan], [2.35, 112.0])
    assert lat[0] == 48.85 and lon[0] == 2.35
    assert np.isnan(lat[1]) and lon[1] == 112.0


def test_a_vertex_converts_to_the_same_bits_whatever_else_is_in_the_batch():
    lat, lon = _random_points_in_china(50)
    alone = geo.gcj02_to_wgs84(lat[:1], lon[:1])
    batch = geo.gcj02_to_wgs84(lat, lon)
    assert alone[0][0] == batch[0][0] and alone[1][0] == batch[1][0]


# ───────────────────────── polygons and location ─────────────────────────

def test_committed_district_file_is_under_300_kb_and_holds_the_six_districts():
    assert DISTRICTS_PATH.stat().st_size < 300_000
    districts = geo.load_district_polygons(DISTRICTS_PATH)
    assert {code: name for code, (name, _) in districts.items()} == {
        "430902": "资阳区", "430903": "赫山区", "430921": "南县",
        "430922": "桃江县", "430923": "安化县", "430981": "沅江市",
    }
    geoms = np.array([g for _, g in districts.values()])
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)


def test_committed_district_file_covers_yiyang_in_wgs84():
    districts = geo.load_district_polygons(DISTRICTS_PATH)
    union = shapely.union_all([g for _, g in districts.values()])
    min_lon, min_lat, max_lon, max_lat = union.bounds
    # 益阳 spans roughly 27.97-29.52 N and 110.72-112.95 E.
    assert 27.9 < min_lat < 28.0 and 29.5 < max_lat < 29.6
    assert 110.7 < min_lon < 110.8 and 112.9 < max_lon < 113.0
    area_km2 = union.area * 111.0 * 111.0 * np.cos(np.radians(28.7))
    assert 12_000 < area_km2 < 12_600  # published area of 益阳: about 12,320 km²


def _district_index() -> geo.AreaIndex:
    districts = geo.load_district_polygons(DISTRICTS_PATH)
    return geo.AreaIndex(districts.keys(), [1] * len(districts),
                         [g for _, g in districts.values()], [None] * len(districts))


def test_area_index_puts_a_point_in_the_centre_of_anhua_in_anhua():
    located = _district_index().locate(np.array([28.33]), np.array([111.35]))
    assert located.to_dict("records") == [
        {"district_code": "430923", "street_code": None, "community_code": None, "grid_code": None}
    ]


def test_area_index_returns_null_codes_outside_the_city_and_for_nan_points():
    located = _district_index().locate(np.array([28.55, 39.9, np.nan]), np.array([112.35, 116.4, 112.0]))
    assert located["district_code"].tolist() == ["430903", None, None]


def test_area_index_gives_a_point_on_a_shared_border_to_the_smaller_code():
    square_west = shapely.box(0, 0, 1, 1)
    square_east = shapely.box(1, 0, 2, 1)
    index = geo.AreaIndex(["B", "A"], [1, 1], [square_west, square_east], [None, None])
    located = index.locate(np.array([0.5, 0.5]), np.array([1.0, 0.5]))
    assert located["district_code"].tolist() == ["A", "B"]


def test_area_index_fills_ancestors_from_the_deepest_area_found():
    district = shapely.box(0, 0, 4, 4)
    street = shapely.box(0, 0, 2, 4)
    index = geo.AreaIndex(["D", "S"], [1, 2], [district, street], [None, "D"])
    located = index.locate(np.array([1.0, 1.0]), np.array([1.0, 3.0]))
    assert located.to_dict("records") == [
        {"district_code": "D", "street_code": "S", "community_code": None, "grid_code": None},
        {"district_code": "D", "street_code": None, "community_code": None, "grid_code": None},
    ]


def test_area_index_rejects_a_parent_that_is_not_among_the_areas():
    with pytest.raises(ValueError, match="not among the areas"):
        geo.AreaIndex(["S"], [2], [shapely.box(0, 0, 1, 1)], ["missing"])


def test_load_district_polygons_rejects_duplicate_codes(tmp_path):
    feature = {"type": "Feature", "properties": {"area_code": "1", "name": "x"},
               "geometry": json.loads(shapely.to_geojson(shapely.box(0, 0, 1, 1)))}
    path = tmp_path / "dup.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature, feature]}))
    with pytest.raises(ValueError, match="duplicate"):
        geo.load_district_polygons(path)
