"""Helpers for page tests: publish a small known database and point the app at it."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import duckdb
import numpy as np
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


def decode_arrays(node):
    """plotly 7 sends numeric arrays as {"dtype", "bdata" (base64), "shape"?}: turn them into lists."""
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            values = np.frombuffer(base64.b64decode(node["bdata"]), dtype=np.dtype(node["dtype"]))
            if "shape" in node:
                values = values.reshape([int(n) for n in str(node["shape"]).split(",")])
            return values.tolist()
        return {k: decode_arrays(v) for k, v in node.items()}
    if isinstance(node, list):
        return [decode_arrays(v) for v in node]
    return node


def chart_specs(at) -> list[dict]:
    """plotly / pydeck elements come back as UnknownElement; their JSON spec is in the proto
    (numeric arrays decoded to plain lists)."""
    return [decode_arrays(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]

