"""The alert ticker (ui/alert_ticker.py): the city's 预警 evaluated each minute on a thread of its own.

With no page open it fires the alerts (state written as a page's evaluation writes it); a page asking
in the same minute and snapshot takes the ticker's evaluation instead of evaluating again; a minute
whose evaluation fails is logged and the next one runs.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

from data import alert_state
from data.config import published_path
from queries.db import SnapshotReader
from tests.pagetools import TEST_DB_NAME, run_page
from tests.test_page_signals import app_db, signals_db  # noqa: F401 - the known 预警 database, as fixtures
from ui import alert_ticker, cache
from ui import alerts as ui_alerts
from ui.result_cache import ResultCache

BURST = "anomaly:430902001:S0101"   # the known database's 异动 (tests/test_page_signals.py)


def _wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_seconds_to_the_next_tick_land_just_after_the_minute_turns():
    assert alert_ticker.seconds_to_next_tick(datetime(2026, 12, 8, 9, 0, 0)) == pytest.approx(61.0)
    assert alert_ticker.seconds_to_next_tick(datetime(2026, 12, 8, 9, 0, 59, 500000)) == pytest.approx(1.5)


def test_with_no_page_open_the_ticker_fires_the_citys_alerts(app_db, signals_db, tmp_path):  # noqa: F811
    folder = tmp_path / "alerts"          # use_published_db points DASHBOARD_ALERT_DIR here
    assert alert_state._read_state(folder) == {}
    ticker = alert_ticker.AlertTicker()
    ticker.hand(ResultCache(max_bytes=2 ** 24, ttl_seconds=900), SnapshotReader(published_path(signals_db)))
    ticker.start()
    try:
        assert _wait_for(lambda: BURST in alert_state._read_state(folder)), alert_state._read_state(folder)
    finally:
        ticker.stop()
    assert ticker.ticks >= 1 and ticker.failures == 0
    assert alert_state._read_state(folder)[BURST]["fired_at"].startswith("2026-11-23T10:00")


def test_a_page_in_the_same_minute_takes_the_tickers_evaluation(app_db, monkeypatch):  # noqa: F811
    evaluated = []
    real = ui_alerts.evaluate
    monkeypatch.setattr(ui_alerts, "evaluate", lambda *a, **k: (evaluated.append(threading.current_thread().name),
                                                                real(*a, **k))[1])
    ticker = alert_ticker.AlertTicker()
    ticker.hand(cache.results(), cache.reader())
    ticker.tick()                          # what the ticker's thread does at the start of the minute
    assert len(evaluated) == 1
    at = run_page("dashboard.py")
    strip = next(m.value for m in at.markdown if "**预警**" in m.value)
    assert "**预警**　异动 :yellow-badge[黄 1]　未确认 1 条" in strip
    assert len(evaluated) == 1, evaluated   # the page evaluated nothing: the city-wide user reads the ticker's


def test_a_failed_minute_is_logged_and_the_next_minute_runs(app_db, signals_db, monkeypatch, caplog):  # noqa: F811
    real = ui_alerts.evaluate
    calls = []

    def flaky(*a, **k):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("数据库暂时无法读取")
        return real(*a, **k)

    monkeypatch.setattr(ui_alerts, "evaluate", flaky)
    monkeypatch.setattr(alert_ticker, "seconds_to_next_tick", lambda moment: 0.05)
    monkeypatch.setenv("DASHBOARD_NOW", "2026-11-23T10:00:00")
    ticker = alert_ticker.AlertTicker()
    ticker.hand(ResultCache(max_bytes=2 ** 24, ttl_seconds=900), SnapshotReader(published_path(signals_db)))
    ticker.start()
    try:
        assert _wait_for(lambda: ticker.ticks >= 1)
    finally:
        ticker.stop()
    assert ticker.failures == 1 and len(calls) == 2     # the same minute again after the failure: computed once
    assert "alert ticker: evaluation failed" in caplog.text


def test_the_pages_start_the_ticker_unless_it_is_turned_off(app_db, monkeypatch):  # noqa: F811
    started = []
    monkeypatch.setattr(alert_ticker._TICKER, "start", lambda: started.append(1))
    run_page("dashboard.py")
    assert started == []                     # DASHBOARD_ALERT_TICKER=0 (tests/conftest.py)
    monkeypatch.setenv("DASHBOARD_ALERT_TICKER", "1")
    run_page("dashboard.py")
    run_page("pages/wall.py")
    assert started == [1, 1]
    assert alert_ticker._TICKER._store is not None


def test_a_city_wide_wall_shows_the_tickers_evaluation_of_this_minute(app_db, monkeypatch):  # noqa: F811
    from tests.test_page_wall import markdown_text

    evaluated = []
    real = ui_alerts.evaluate
    monkeypatch.setattr(ui_alerts, "evaluate", lambda *a, **k: (evaluated.append(1), real(*a, **k))[1])
    ticker = alert_ticker.AlertTicker()
    ticker.hand(cache.results(), cache.reader())
    ticker.tick()
    at = run_page("pages/wall.py")
    assert "预警 异动 :yellow[**黄 1**]" in markdown_text(at)
    assert len(evaluated) == 1     # the wall evaluated nothing (before: its own every 5 minutes)
