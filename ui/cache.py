"""The only place with st.cache_*: one snapshot reader per process, and cached aggregates.

Cached results are keyed by (query name, Scope, data version, arguments): the Scope carries the
identity's access, so two users share a result only when they may see the same data, and the data
version changes with every published snapshot. Cache aggregates only, never raw tables.
"""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from data.config import db_path, published_path
from queries import case_records
from queries import cases as case_queries
from queries import party
from queries.db import SnapshotReader
from queries.scope import Scope

# Every cacheable query: name -> function(source, scope, *args). Pages call get("name", scope, ...).
QUERIES: dict[str, Callable[..., Any]] = {
    "case_kpis": case_queries.case_kpis,
    "daily_trend": case_queries.daily_trend,
    "area_summary": case_queries.area_summary,
    "area_shapes": case_queries.area_shapes,
    "unit_league": case_queries.unit_league,
    "area_options": case_queries.area_options,
    "unit_options": case_queries.unit_options,
    # case records (pages/cases.py): a bounded page, one case, one timeline; masked in SQL / scrubbed
    "case_list": case_records.case_list,
    "case_detail": case_records.case_detail,
    "case_timeline": case_records.case_timeline,
    # people stream (pages/party.py)
    "party_checkin_trend": party.checkin_trend,
    "party_service_by_community": party.service_by_community,
    "party_service_by_unit": party.service_by_unit,
    "party_pairing_scorecard": party.pairing_scorecard,
    "party_whistles": party.whistles,
    "party_wishes": party.wishes,
    "party_three_lists": party.three_lists,
    "party_supervision": party.supervision,
    "party_secretary_visits": party.secretary_visits,
}


@st.cache_resource(show_spinner=False)
def reader() -> SnapshotReader:
    return SnapshotReader(published_path(db_path()))


@st.cache_data(ttl=900, max_entries=2000, show_spinner=False)
def _run(name: str, scope: Scope, version: str, args: tuple) -> Any:
    return QUERIES[name](reader(), scope, *args)


def get(name: str, scope: Scope, *args: Any) -> Any:
    """Cached result of query `name` for `scope` on the current snapshot."""
    return _run(name, scope, reader().version, args)


@st.cache_data(ttl=30, show_spinner=False)
def _meta(version: str) -> dict[str, str]:
    cur = reader().cursor()
    try:
        return dict(cur.execute("SELECT key, value FROM meta").fetchall())
    finally:
        cur.close()


def meta() -> dict[str, str]:
    """Facts about the database (city, demo flag, last write time); not scoped, holds no records."""
    return _meta(reader().version)
