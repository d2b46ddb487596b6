"""Helpers for page tests: publish a small known database and point the app at it."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import streamlit as st

from data.store import publish


def publish_test_db(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    """Copies the in-memory test database to `db` and publishes it for the app."""
    con.execute(f"ATTACH '{db}' AS target")  # noqa: S608 - test path
    con.execute("COPY FROM DATABASE memory TO target")
    con.execute("DETACH target")
    writer = duckdb.connect(str(db))
    try:
        publish(writer, db)
    finally:
        writer.close()


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def metric_values(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_specs(at) -> list[dict]:
    """plotly / pydeck elements come back as UnknownElement; their JSON spec is in the proto."""
    specs = []
    for el in at.get("plotly_chart"):
        specs.append(json.loads(el.proto.spec))
    return specs
