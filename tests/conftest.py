import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import pytest  # noqa: E402 - after the path set-up above


@pytest.fixture
def known_city_app(tmp_path, monkeypatch):
    """The known city of tests/known_city.py published as the app's database, now pinned."""
    from tests import known_city
    from tests.pagetools import clear_caches, use_test_db

    use_test_db(known_city.build(), tmp_path, monkeypatch)
    yield
    clear_caches()
