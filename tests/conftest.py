import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _single_user_desk_unless_a_test_signs_in(monkeypatch):
    """Page tests run on small test databases that are not the demo, which the app refuses to serve
    without a sign-in (ui/auth.py). They test pages, not sign-in: they run as the explicit
    single-user desk (DASHBOARD_AUTH=none). Tests of sign-in and scope set their own mode."""
    monkeypatch.setenv("DASHBOARD_AUTH", "none")
    monkeypatch.delenv("DASHBOARD_AUTHZ", raising=False)


@pytest.fixture(autouse=True)
def _no_alert_ticker_unless_a_test_starts_one(monkeypatch):
    """The alert ticker (ui/alert_ticker.py) would keep evaluating, once a minute, whichever test
    database a page run handed it last, and write alert state into whichever folder the environment
    names at that moment: another test's. Off in the test process (tests/test_alert_ticker.py runs it);
    dashboard servers that tests start as processes keep the environment they were started with."""
    monkeypatch.setenv("DASHBOARD_ALERT_TICKER", "0")


@pytest.fixture(scope="session")
def known_city_db(tmp_path_factory):
    """tests/known_city.py written and published once for the session's page tests, which only read
    it (it was built and published again for each of their ~40 tests)."""
    from tests import known_city

    return known_city.published(tmp_path_factory.mktemp("known_city"))


def _scan_installed_components_once() -> None:
    """AppTest scans every installed distribution's metadata for Streamlit components on every run
    (0.66 s of a 0.71 s page run here: 614 METADATA files parsed), where a real server does it once
    at start. The installed packages cannot change during a test session, so the scan runs once."""
    from functools import lru_cache

    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = lru_cache(maxsize=None)(manifest_scanner.scan_component_manifests)


_scan_installed_components_once()


# Tests that start dashboard servers and drive them in Chromium or over WebSocket share one xdist
# worker (scripts/test.sh runs the suite with `-n 2 --dist loadgroup`): their session fixtures (the
# seeded demo and its server) are built once, their logs in test-artifacts/ keep fixed names, and two
# servers never compete for the 2 cores while a test waits on one of them. test_access_matrix.py goes
# whole (one of its tests runs 60 sessions against a server) so its module's city is built once.
SERVER_GROUP = "servers"
SERVER_FILES = ("test_proxy.py", "test_access_matrix.py")


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path
        if path.parent.name == "browser" or path.name in SERVER_FILES:
            item.add_marker(pytest.mark.xdist_group(SERVER_GROUP))
