"""Fixtures for browser tests: one small seeded demo database and a shared Streamlit server.

The README's pictures are taken on a default-size demo instead:
    python -m data.seed --db /tmp/docs-demo.duckdb --today 2026-11-23
    UPDATE_DOCS_SCREENSHOTS=1 SCREENSHOT_DB=/tmp/docs-demo.duckdb bash scripts/test.sh tests/browser -m "not soak"
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tests.browser.harness import ARTIFACTS, start_server, stop_server

DEMO_NOW = "2026-11-23T15:30:00"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    from data import seed

    if os.environ.get("SCREENSHOT_DB"):     # the README's pictures: a demo for DEMO_NOW's day
        return Path(os.environ["SCREENSHOT_DB"])
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    seed.build(db, n_cases=30_000, seed=7, today=date(2026, 11, 23), progress=lambda _msg: None)
    return db


@pytest.fixture(scope="session")
def app_env(demo_db) -> dict[str, str]:
    return {"DASHBOARD_DB": str(demo_db), "DASHBOARD_NOW": DEMO_NOW}


@pytest.fixture(scope="session")
def server(app_env):
    srv = start_server(app_env, ARTIFACTS / "server.log")
    yield srv
    stop_server(srv)
