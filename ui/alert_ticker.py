"""The alert ticker: each server process evaluates the city-wide 预警 at the start of every minute on a
thread of its own (ui/alerts.city_evaluation), whether or not anyone has a page open.

Why: alerts fired only when someone opened 总览 or 预警研判 — a command hall with only the wall on screen
sent no webhook — and the first view of each minute paid the evaluation (at 10M cases ~0.2 s of CPU,
plus up to 3 s for a webhook that does not answer). The ticker's result is the one the pages read: same
snapshot and minute, same key in the process's result store (ResultCache computes a key once, so a
page asking while the ticker works waits for it instead of evaluating again).

Started, or handed the newest store and reader, by every page run (setup_page, setup_wall): a thread
outside a script run may call no Streamlit API (ui/cache.handed). DASHBOARD_ALERT_TICKER=0 turns it off
(the pages then evaluate as before); the test suite does, but for the tests of the ticker itself.
"""
from __future__ import annotations

import logging
import os
import threading
from datetime import datetime

from queries.db import SnapshotReader
from ui import alerts, cache
from ui.result_cache import ResultCache

LOG = logging.getLogger(__name__)
TICK_OFFSET_SECONDS = 1.0   # after the minute turns: the page's key (ui.clock.now) has moved by then


def enabled() -> bool:
    return os.environ.get("DASHBOARD_ALERT_TICKER", "1").strip() != "0"


class AlertTicker:
    """One per process. `hand` gives it the store and reader to use (the newest a page run saw), `start`
    starts its thread (once), `tick` evaluates once, now; `stop` ends the thread (tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store: ResultCache | None = None
        self._reader: SnapshotReader | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.ticks = self.failures = 0

    def hand(self, store: ResultCache, reader: SnapshotReader) -> None:
        with self._lock:
            self._store, self._reader = store, reader

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="alert-ticker", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def tick(self) -> None:
        """The city-wide evaluation of this minute on the newest published snapshot (kept in the store)."""
        with self._lock:
            store, reader = self._store, self._reader
        if store is None or reader is None:
            return
        with cache.handed(reader.pin(), store):
            alerts.city_evaluation()
        self.ticks += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception as exc:  # noqa: BLE001 - the ticker must outlive a bad minute; pages evaluate then
                self.failures += 1
                LOG.warning("alert ticker: evaluation failed, the pages evaluate this minute: %s", exc)
            self._stop.wait(seconds_to_next_tick(datetime.now()))


def seconds_to_next_tick(moment: datetime) -> float:
    """Seconds from `moment` to TICK_OFFSET_SECONDS past the next minute."""
    return 60.0 - moment.second - moment.microsecond / 1e6 + TICK_OFFSET_SECONDS


_TICKER = AlertTicker()


def keep_running() -> None:
    """Call on every page run: starts this process's ticker once and hands it the current store and reader."""
    if enabled():
        _TICKER.hand(cache.results(), cache.reader())
        _TICKER.start()
