"""Page tests of the shared filters (on the overview page): each filter changes the numbers, links
round-trip, hostile links are ignored with a notice, and the menu carries the filters along."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from tests import known_city
from tests.pagetools import metric_values


@pytest.fixture
def app_env(known_city_db, tmp_path, monkeypatch):
    yield from known_city.serve(known_city_db, tmp_path, monkeypatch)


def overview(**params) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def notices(at) -> str:
    return " ".join(w.value for w in at.sidebar.warning)


@pytest.mark.parametrize("params, accepted", [
    ({}, "7"),
    ({"kind": "component"}, "1"),
    ({"major": "S01"}, "6"),
    ({"category": "B0201"}, "1"),
    ({"source": "hotline"}, "1"),
    ({"unit": "C001"}, "1"),
    ({"unit": "C001,D43090301"}, "4"),
    ({"district": "430903", "kind": "event"}, "3"),
])
def test_each_filter_in_the_url_changes_the_numbers(app_env, params, accepted):
    at = overview(**params)
    assert not at.exception
    assert metric_values(at)["受理数"] == accepted
    assert notices(at) == ""


def test_a_link_reproduces_the_view_and_is_written_back_unchanged(app_env):
    link = {"range": "custom", "start": "2026-11-01", "end": "2026-11-10", "district": "430902",
            "kind": "event", "major": "S01", "category": "S0101", "source": "grid,hotline"}
    at = overview(**link)
    assert not at.exception and notices(at) == ""
    assert dict(at.query_params) == link
    assert metric_values(at)["受理数"] == "2"          # 资阳区 events accepted 1–10 Nov
    again = overview(**dict(at.query_params))
    assert metric_values(again) == metric_values(at)
    shared = [c.value for c in at.sidebar.code]
    assert shared and "district=430902" in shared[0] and "source=grid,hotline" in shared[0]


def test_hostile_and_unknown_parameters_are_ignored_with_a_notice(app_env):
    at = overview(range="month'; DROP TABLE cases; --", district="430902 OR 1=1", kind="event,x" * 800,
                  unit="NOPE", major="S99", source="![x](http://evil.example/a.png)", street="<b>1</b>")
    assert not at.exception
    text = notices(at)
    for expected in ("时间范围", "区域代码", "过长", "责任单位代码“NOPE”", "大类代码“S99”", "来源代码"):
        assert expected in text, expected
    assert "http://" not in text and "](" not in text      # shown as escaped text, never as a link
    assert metric_values(at)["受理数"] == "7"
    assert dict(at.query_params) == {"range": "last30"}


def test_a_category_outside_the_chosen_major_class_is_dropped(app_env):
    at = overview(major="S01", category="B0201")
    assert "小类代码“B0201”" in notices(at)
    assert metric_values(at)["受理数"] == "6"
    assert "category" not in at.query_params


def test_an_area_without_its_parent_is_dropped_with_a_notice(app_env):
    at = overview(street="430902001")
    assert "缺少有效的上级区域" in notices(at)
    assert metric_values(at)["受理数"] == "7"


def test_choosing_in_the_widgets_updates_the_url(app_env):
    at = overview()
    at.sidebar.multiselect(key="f_kind").select("component").run()
    assert metric_values(at)["受理数"] == "1"
    assert at.query_params["kind"] == "component"
    at.sidebar.multiselect(key="f_kind").unselect("component").run()
    at.sidebar.selectbox(key="f_district").set_value("430903").run()
    assert metric_values(at)["受理数"] == "3"
    assert at.query_params["district"] == "430903" and "kind" not in at.query_params


def test_the_reset_button_clears_every_filter(app_env):
    at = overview(district="430903", kind="event", source="hotline")
    assert metric_values(at)["受理数"] == "0"
    at.sidebar.button(key="f_reset").click().run()
    assert metric_values(at)["受理数"] == "7"
    assert dict(at.query_params) == {"range": "last30"}


def test_menu_links_carry_the_filters_to_the_next_page(app_env):
    at = overview(district="430903", kind="event")
    links = {link.proto.label: link.proto.query_string for link in at.sidebar.get("page_link")}
    assert "district=430903" in links["地图"] and "kind=event" in links["地图"]


def test_switching_to_a_custom_range_starts_from_the_last_30_days_and_follows_the_picker(app_env):
    at = overview()
    at.sidebar.selectbox(key="f_range").set_value("custom").run()
    assert (at.query_params["start"], at.query_params["end"]) == ("2026-10-25", "2026-11-23")
    assert metric_values(at)["受理数"] == "7"
    at.sidebar.date_input(key="f_dates_input").set_value((date(2026, 11, 1), date(2026, 11, 3))).run()
    assert (at.query_params["start"], at.query_params["end"]) == ("2026-11-01", "2026-11-03")
    assert metric_values(at)["受理数"] == "2"


def test_area_names_are_the_grants_own_options_built_once(app_env):
    """ui.filters.area_names: code -> name of the grant's area options, kept per grant and snapshot
    (a district grant never gets the city's names), read-only, and the same object on a second call."""
    from datetime import datetime

    from queries.scope import Access, Scope
    from ui import cache
    from ui.filters import area_names

    window = dict(start_date=date(2026, 10, 25), end_date=date(2026, 11, 24), now_at=datetime(2026, 11, 23, 10))
    city = Scope(access=Access.city("市级"), **window)
    district = Scope(access=Access.for_districts(("430903",), "区级"), districts=("430903",), **window)
    with cache.pinned():
        for scope in (city, district, city.unfiltered()):
            options = cache.get("area_options", scope)
            names = area_names(scope, options)
            assert dict(names) == dict(zip(options.area_code.tolist(), options.name.tolist()))
            assert area_names(scope, options) is names
            with pytest.raises(TypeError):
                names["x"] = "y"
        assert "430902" in area_names(city, cache.get("area_options", city))
        assert "430902" not in area_names(district, cache.get("area_options", district))
        assert "430903" in area_names(district, cache.get("area_options", district))
