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


def use_test_db(con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch, *,
                now: str = "2026-11-23T10:00:00") -> Path:
    """Publishes `con` as the app's database under tmp_path, pins now, sends audit records to
    tmp_path/audit and clears the caches; returns the audit folder. Call clear_caches() after."""
    db = tmp_path / "page.duckdb"
    publish_test_db(con, db)
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


def chart_specs(at) -> list[dict]:
    """plotly / pydeck elements come back as UnknownElement; their JSON spec is in the proto."""
    specs = []
    for el in at.get("plotly_chart"):
        specs.append(json.loads(el.proto.spec))
    return specs


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
