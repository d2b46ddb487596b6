"""The pure map builders: label thinning, simplified outlines, fitting the view, hexagon corners."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import shapely

from charts.maps import _simplified, _simplify_tolerance, choropleth, fit_view, hexagon_corners, thin_labels

RING = [[112.0 + 0.5 * np.cos(a), 28.5 + 0.4 * np.sin(a)] for a in np.linspace(0, 2 * np.pi, 2000)]
BLOB = json.dumps({"type": "Polygon", "coordinates": [RING]})


def test_overlapping_labels_keep_the_higher_priority_one():
    labels = pd.DataFrame({"label": ["大区域名称", "小区域", "远处区域"], "centroid_lat": [28.5, 28.5005, 29.5],
                           "centroid_lon": [112.0, 112.001, 113.0], "priority": [10.0, 1.0, 5.0]})
    assert thin_labels(labels, zoom=9, size_px=14).label.tolist() == ["大区域名称", "远处区域"]
    # zoomed far in, they no longer collide
    assert len(thin_labels(labels, zoom=18, size_px=14)) == 3


def test_outlines_are_simplified_below_what_a_screen_shows():
    tolerance = _simplify_tolerance(pd.Series([BLOB]))
    simple = shapely.from_geojson(json.dumps(_simplified(BLOB, tolerance)))
    original = shapely.from_geojson(BLOB)
    assert shapely.get_num_coordinates(simple) < shapely.get_num_coordinates(original) / 5
    assert abs(simple.area - original.area) / original.area < 0.001


def test_the_view_fits_every_shape():
    shapes = pd.DataFrame({"geojson": [BLOB], "centroid_lat": [28.5], "centroid_lon": [112.0]})
    lat, lon, zoom = fit_view(shapes, width_px=1000, height_px=600)
    assert abs(lat - 28.5) < 0.01 and abs(lon - 112.0) < 0.01
    world_px = 512 * 2 ** zoom
    assert 1.0 / 360 * world_px <= 1000      # the 1°-wide blob fits the width


def test_hexagon_corners_close_a_ring_around_the_centre():
    rings = hexagon_corners(np.array([112.0]), np.array([28.5]), 1000.0, 28.5)
    assert rings.shape == (1, 7, 2)
    assert np.allclose(rings[0, 0], rings[0, 6])
    assert np.allclose(rings[0, :6].mean(axis=0), [112.0, 28.5], atol=1e-9)


def test_area_features_carry_their_code_and_tooltip_fields():
    shapes = pd.DataFrame({"area_code": ["1"], "name": ["甲区"], "geojson": [BLOB], "centroid_lat": [28.5],
                           "centroid_lon": [112.0]})
    values = pd.DataFrame({"area_code": ["1"], "v": [0.5], "d": ["1 ÷ 2"]})
    deck = choropleth(shapes, values, "v", "处置率", value_is_rate=True, detail_col="d", center=(28.5, 112.0), zoom=8)
    spec = json.loads(deck.to_json())
    props = spec["layers"][0]["data"]["features"][0]["properties"]
    assert (props["area_code"], props["name"], props["shown"], props["detail"]) == ("1", "甲区", "处置率：50.0%", "1 ÷ 2")
