"""Figures and derived tables kept across reruns (ui/figures.py, ui/cache.derived) are never served
to another selection or identity, nor after a publish: what a rerun draws from the store equals what
a run with every cache cleared draws for the same selection and snapshot."""
from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data.store import publish
from queries.scope import Access, Scope
from tests.builders import add_case, new_db
from tests.pagetools import chart_specs, clear_caches, publish_test_db
from ui import cache
from ui.result_cache import ResultCache


class FakeSnapshot:
    def __init__(self, version: str):
        self.version = version


def test_derived_values_are_keyed_by_scope_identity_and_snapshot(monkeypatch):
    store = ResultCache(max_bytes=10 ** 8, ttl_seconds=60)
    snap = [FakeSnapshot("v1")]
    monkeypatch.setattr(cache, "results", lambda: store)
    monkeypatch.setattr(cache, "snapshot", lambda: snap[0])
    city = Scope(date(2026, 11, 1), date(2026, 12, 1), Access.demo())
    district = Scope(date(2026, 11, 1), date(2026, 12, 1), Access.demo(), districts=("430903",))
    other_user = Scope(date(2026, 11, 1), date(2026, 12, 1), Access(districts=("430902",), label="资阳区"))
    built = []

    def build(tag):
        built.append(tag)
        return tag

    assert cache.derived("fig", city, (440,), lambda: build("city")) == "city"
    assert cache.derived("fig", city, (440,), lambda: build("again")) == "city"          # a rerun: kept
    assert cache.derived("fig", district, (440,), lambda: build("district")) == "district"
    assert cache.derived("fig", other_user, (440,), lambda: build("other user")) == "other user"
    assert cache.derived("fig", city, (300,), lambda: build("other height")) == "other height"
    snap[0] = FakeSnapshot("v2")                                                          # a publish
    assert cache.derived("fig", city, (440,), lambda: build("published")) == "published"
    assert built == ["city", "district", "other user", "other height", "published"]


def closed(con, reported, deadline, closed_at, **kw):
    add_case(con, reported_at=reported, accepted_at=reported, filed_at=reported, dispatched_at=reported,
             handled_at=closed_at, verified_at=closed_at, closed_at=closed_at, deadline_at=deadline,
             status="closed", **kw)


@pytest.fixture
def two_districts(tmp_path, monkeypatch):
    con = new_db()
    for day in range(2, 20):
        closed(con, datetime(2026, 11, day, 9), datetime(2026, 11, day + 2, 17), datetime(2026, 11, day + 1, 9))
    for day in range(5, 12):
        closed(con, datetime(2026, 11, day, 10), datetime(2026, 11, day + 2, 17), datetime(2026, 11, day + 4, 9),
               district="430903")
    db = tmp_path / "page.duckdb"
    publish_test_db(con, db)
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_NOW", "2026-11-23T10:00:00")
    clear_caches()
    yield db
    clear_caches()


def drawn(params: dict[str, str], *, fresh: bool):
    """(plotly specs, deck JSON) of 总览 for `params`; `fresh` clears every cache first."""
    if fresh:
        clear_caches()
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    decks = [json.loads(el.proto.json) for el in at.get("deck_gl_json_chart")]
    return chart_specs(at), decks


def test_overview_figures_follow_the_selection_and_the_snapshot(two_districts):
    selections = [{}, {"district": "430903"}, {"district": "430902"}, {}]
    expected = [drawn(p, fresh=True) for p in selections]
    assert expected[0] != expected[1] != expected[2]              # the selections draw different figures
    clear_caches()
    for params, want in zip(selections, expected):                # one process, caches kept between them
        assert drawn(params, fresh=False) == want, params
    # A publish adds cases: the next rerun draws from the new snapshot, not the kept figures.
    writer = duckdb.connect(str(two_districts))
    try:
        for day in (20, 21):
            closed(writer, datetime(2026, 11, day, 9), datetime(2026, 11, day + 1, 17), datetime(2026, 11, day, 15),
                   district="430903")
        publish(writer, two_districts)
    finally:
        writer.close()
    after = drawn({"district": "430903"}, fresh=False)
    assert after != expected[1]
    assert after == drawn({"district": "430903"}, fresh=True)
