"""Helpers for page tests: publish a small known database and point the app at it."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import streamlit as st

from data.store import publish


TEST_DB_NAME = "page.duckdb"   # use_test_db's file under tmp_path


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


def use_test_db(con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch, *,
                now: str = "2026-11-23T10:00:00") -> Path:
    """Publishes `con` as the app's database under tmp_path, pins now, sends audit records to
    tmp_path/audit and clears the caches; returns the audit folder. Call clear_caches() after."""
    db = tmp_path / TEST_DB_NAME
    publish_test_db(con, db)
    return _point_app_at(db, tmp_path, monkeypatch, now)


def use_published_db(db: Path, tmp_path: Path, monkeypatch, *, now: str = "2026-11-23T10:00:00") -> Path:
    """use_test_db for a database already published (by a module-scoped fixture, when the module's
    tests only read it): the app pointed at `db`, now pinned, audit records, alert and topic state
    (files beside the database by default) in this test's tmp_path, so tests sharing the database
    share none of them; caches cleared; returns the audit folder. Call clear_caches() after."""
    monkeypatch.setenv("DASHBOARD_ALERT_DIR", str(tmp_path / "alerts"))
    monkeypatch.setenv("DASHBOARD_TOPIC_DIR", str(tmp_path / "topics"))
    return _point_app_at(db, tmp_path, monkeypatch, now)


def _point_app_at(db: Path, tmp_path: Path, monkeypatch, now: str) -> Path:
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_NOW", now)
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    clear_caches()
    return tmp_path / "audit"


def run_page(page: str, params: dict[str, str] | None = None):
    """Runs `page` (e.g. "pages/cases.py") through the entry script, as the menu would open it,
    with `params` in the URL; fails on an exception."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    at.switch_page(page)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


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


def _strings(message, out: list[str]) -> None:
    """Every string (and bytes, decoded) held anywhere in a protobuf message, unescaped."""
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, bytes):
                out.append(item.decode("utf-8", errors="ignore"))
            elif hasattr(item, "ListFields"):
                _strings(item, out)


def page_text(at) -> str:
    """Everything the app sent for the page as text (every element, table data included), to
    assert that something is NOT shown anywhere."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            _strings(proto, parts)
        if getattr(node, "type", "") in ("dataframe", "table"):
            parts.append(node.value.to_string())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def unescaped(markdown: str) -> str:
    """Markdown source as a person reads it: backslash escapes (ui.text.md_escape) removed."""
    import re
    return re.sub(r"\\(.)", r"\1", markdown)
