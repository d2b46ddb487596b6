"""Page test of 地图: exact numbers of the area table on a known database, drilling, measures and the
point/density layer, all driven by the URL as a shared link would be."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests import known_city
from tests.pagetools import run_page, unescaped


@pytest.fixture
def app_env(known_city_db, tmp_path, monkeypatch):
    yield from known_city.serve(known_city_db, tmp_path, monkeypatch)


def map_page(**params) -> AppTest:
    return run_page("pages/map.py", params)


def table(at) -> list[list]:
    frame = at.dataframe[0].value
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def deck(at) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def layer_types(at) -> list[str]:
    return [layer["@@type"] for layer in deck(at)["layers"]]


def test_the_district_table_ranks_accepted_cases_with_exact_counts(app_env):
    at = map_page()
    assert not at.exception
    assert at.subheader[0].value == "各区县受理数排名"
    assert table(at) == [[1, "资阳区", "4"], [2, "赫山区", "3"]]   # a count is its own numerator
    assert layer_types(at) == ["GeoJsonLayer", "TextLayer"]
    features = deck(at)["layers"][0]["data"]["features"]
    assert {f["properties"]["area_code"]: f["properties"]["shown"] for f in features} == {
        "430902": "受理数：4", "430903": "受理数：3"}


def test_a_rate_measure_shows_numerator_and_denominator(app_env):
    at = map_page(measure="on_time")
    assert table(at) == [[1, "赫山区", "66.67%", 2, 3], [2, "资阳区", "50.00%", 1, 2]]
    assert "按期结案数 3 ÷ 应结案数 5" in " ".join(c.value for c in at.caption)
    at = map_page(measure="per10k")
    assert table(at) == [[1, "资阳区", "4.0", 4, 10000], [2, "赫山区", "3.0", 3, 10000]]
    at = map_page(measure="overdue")
    assert table(at) == [[1, "赫山区", "1"], [2, "资阳区", "0"]]


def test_a_district_in_the_url_drills_to_its_streets(app_env):
    at = map_page(district="430903", measure="disposal")
    assert unescaped(at.subheader[0].value) == "各街道(乡镇)处置率排名"
    assert table(at) == [[1, "桃花仑街道", "66.67%", 2, 3]]


def test_choosing_an_area_in_the_list_drills_in_and_updates_the_url(app_env):
    at = map_page()
    at.selectbox(key="pick_1_").set_value("430902").run()
    assert not at.exception
    assert at.query_params["district"] == "430902"
    assert at.sidebar.selectbox(key="f_district").value == "430902"
    assert table(at) == [[1, "汽车路街道", "4"]]
    at.button(key="crumb_0").click().run()
    assert "district" not in at.query_params and len(table(at)) == 2


def test_a_small_set_is_drawn_as_points_and_a_large_one_as_hexagons(app_env, monkeypatch):
    at = map_page(layer="density")
    assert layer_types(at) == ["ScatterplotLayer", "GeoJsonLayer", "TextLayer"]
    points = deck(at)["layers"][0]["data"]
    assert len(points) == 7 and all("张" not in json.dumps(p, ensure_ascii=False) for p in points)
    monkeypatch.setattr("queries.maps.MAX_POINTS", 3)
    at = map_page(layer="density", measure="overdue")
    assert layer_types(at)[0] == "ScatterplotLayer" and len(deck(at)["layers"][0]["data"]) == 1
    at = map_page(layer="density")
    assert layer_types(at) == ["PolygonLayer", "GeoJsonLayer", "TextLayer"]
    assert "六边形" in " ".join(c.value for c in at.caption)


def test_filters_change_the_map_numbers(app_env):
    at = map_page(source="hotline")
    assert table(at) == [[1, "资阳区", "1"], [2, "赫山区", "0"]]
    at = map_page(unit="C001", measure="on_time")
    assert [row[2] for row in table(at)] == ["—", "—"]


def test_an_unknown_measure_falls_back_with_a_notice(app_env):
    at = map_page(measure="<script>", layer="3d")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "指标" in warnings and "图层" in warnings
    assert at.subheader[0].value == "各区县受理数排名"
    assert "measure" not in at.query_params and "layer" not in at.query_params
