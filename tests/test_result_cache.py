"""The process's result cache (ui/result_cache.py): bounded in bytes, expiring, safe to share."""
from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from ui.result_cache import ResultCache, size_bytes


def frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"code": [f"43090{i:05d}" for i in range(rows)], "count": range(rows)})


def test_entries_leave_oldest_first_once_their_bytes_pass_the_budget():
    one = size_bytes(frame(1000))
    cache = ResultCache(max_bytes=int(one * 2.5), ttl_seconds=60)
    for key in "abc":
        cache.get(key, lambda: frame(1000))
    assert len(cache) == 2 and cache.total_bytes <= cache.max_bytes and cache.evictions == 1
    calls = []
    cache.get("a", lambda: calls.append(1) or frame(1000))   # "a" was evicted: computed again
    cache.get("c", lambda: calls.append(1) or frame(1000))   # "c" is still there
    assert calls == [1]


def test_a_value_larger_than_the_budget_is_served_but_not_kept():
    cache = ResultCache(max_bytes=1000, ttl_seconds=60)
    assert len(cache.get("big", lambda: frame(10_000))) == 10_000
    assert len(cache) == 0 and cache.total_bytes == 0


def test_an_entry_expires_after_its_time_to_live():
    now = [0.0]
    cache = ResultCache(max_bytes=10 ** 9, ttl_seconds=900, clock=lambda: now[0])
    cache.get("k", lambda: 1)
    now[0] = 899.0
    assert cache.get("k", lambda: 2) == 1
    now[0] = 1800.0
    assert cache.get("k", lambda: 3) == 3


def test_a_caller_that_writes_to_its_result_does_not_change_what_the_next_caller_reads():
    cache = ResultCache(max_bytes=10 ** 9, ttl_seconds=60)
    first = cache.get("k", lambda: frame(3))
    first["count"] = 99
    first.loc[0, "code"] = "changed"
    first["extra"] = 1
    second = cache.get("k", lambda: frame(0))
    assert second["count"].tolist() == [0, 1, 2] and second.loc[0, "code"] == "4309000000"
    assert "extra" not in second
    detail = cache.get("d", lambda: {"steps": [1, 2]})
    detail["steps"].append(3)
    assert cache.get("d", lambda: None) == {"steps": [1, 2]}


def test_sessions_asking_for_a_key_being_computed_wait_for_that_one_computation():
    cache = ResultCache(max_bytes=10 ** 9, ttl_seconds=60)
    calls, results = [], []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return frame(5)

    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and len(results) == 8 and all(len(r) == 5 for r in results)


def test_a_failed_computation_is_raised_and_not_kept():
    cache = ResultCache(max_bytes=10 ** 9, ttl_seconds=60)
    with pytest.raises(ZeroDivisionError):
        cache.get("k", lambda: 1 / 0)
    assert cache.get("k", lambda: 5) == 5
