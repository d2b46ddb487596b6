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
