"""The live-feed consistency run, short: the simulator publishing every second while reader threads
render the wall and page KPIs (benchmarks/live_consistency.py; the 30-minute run's figures are in
docs/security.md). Every pinned render reads one version; no new snapshot fails to open."""
from __future__ import annotations

import pytest

from tests.pagetools import clear_caches


@pytest.mark.slow
def test_a_live_feed_gives_no_torn_render_and_no_failed_open(monkeypatch):
    from benchmarks.live_consistency import run

    monkeypatch.setenv("DASHBOARD_DB", "")   # run() points the app at its own database, restored after
    lines: list[str] = []
    try:
        figures = run(minutes=1.0, speed=20, tick=1, readers=3, db=None, cases=3000, out=lines.append)
    finally:
        clear_caches()
    # on a loaded 2-core machine a publish can take seconds: a few swaps are enough to read across
    assert figures["publishes"] >= 4, lines
    assert figures["versions_seen"] >= 3, lines
    assert figures["pinned_renders"] > 0 and figures["second_reader_reads"] > 0, lines
    assert (figures["pinned_torn"], figures["pinned_errors"], figures["second_reader_errors"],
            figures["open_failures"], figures["open_failure_notices"]) == (0, 0, 0, 0, 0), lines
    # the baseline in the same run shows that the check sees a torn render when there is one
    if figures["publishes"] >= 10 and figures["baseline_renders"] >= 5:
        assert figures["baseline_torn"] > 0, lines
