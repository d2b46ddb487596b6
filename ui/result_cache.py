"""The process's store of query results, shared by every session: least-recently-used entries leave
when the total size passes a budget in bytes (not only a count: a few large results must not grow
the server without bound) or when they are older than a time to live.

Why not st.cache_data for this: it hashes every argument with its own recursive hasher and unpickles
a copy of the value on every hit. On 总览 that was ~15 ms per cached call, 63 calls per rerun
(cProfile under AppTest, docs/performance.md). Here the key is the tuple itself (Scope is a frozen
dataclass: Python's hash), and a hit returns a shallow copy: pandas copy-on-write (the default since
pandas 3) copies the data the moment a caller writes to it, so no caller can change what another
session reads. One computation per key at a time: sessions asking for a key being computed wait for
it instead of running the same query again (a whole command hall opening 近30天 at 09:00).
"""
from __future__ import annotations

import copy
import pickle
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Hashable

import pandas as pd


class Shared:
    """A value handed out as it is, to every caller, never copied: for values that only a drawing
    call reads (a plotly figure passed straight to st.plotly_chart, a serialised deck). Whoever
    stores one promises that no caller changes it (ui/figures.py keeps the object to itself)."""

    __slots__ = ("value", "size")

    def __init__(self, value: Any, size: int):
        self.value, self.size = value, size


def size_bytes(value: Any) -> int:
    """Memory a cached value holds, roughly: exact for pandas objects (deep), pickled size otherwise."""
    if isinstance(value, Shared):
        return value.size
    if isinstance(value, tuple):
        return sum(size_bytes(v) for v in value)
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(deep=True, index=True).sum())
    if isinstance(value, pd.Series):
        return int(value.memory_usage(deep=True, index=True))
    try:
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:   # an unpicklable value: count its shell only
        return sys.getsizeof(value)


def shared_view(value: Any) -> Any:
    """What a hit hands out: pandas objects as shallow copy-on-write copies, immutable values and
    Shared as they are, tuples element by element, anything else (dicts, lists) as a deep copy."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, Shared):
        return value
    if isinstance(value, tuple):
        return tuple(shared_view(v) for v in value)
    if value is None or isinstance(value, (str, bytes, int, float, bool, frozenset)):
        return value
    return copy.deepcopy(value)


@dataclass
class _Entry:
    value: Any
    size: int
    stored_at: float


class ResultCache:
    def __init__(self, max_bytes: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.max_bytes, self.ttl_seconds, self.clock = max_bytes, ttl_seconds, clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._computing: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self.total_bytes = 0
        self.hits = self.misses = self.evictions = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _lookup(self, key: Hashable) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self.clock() - entry.stored_at > self.ttl_seconds:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key)
        self.total_bytes -= entry.size

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value of `key`, computing and keeping it on a miss. An exception in `compute`
        is raised to the caller and nothing is kept."""
        while True:
            with self._lock:
                entry = self._lookup(key)
                if entry is not None:
                    self.hits += 1
                    return shared_view(entry.value)
                pending = self._computing.get(key)
                if pending is None:
                    done = self._computing[key] = threading.Event()
                    self.misses += 1
                    break
            pending.wait(timeout=600)   # another session computes it; then look again
        try:
            value = compute()
            self._store(key, value)
            return shared_view(value)
        finally:
            with self._lock:
                self._computing.pop(key, None)
            done.set()

    def _store(self, key: Hashable, value: Any) -> None:
        size = size_bytes(value)
        with self._lock:
            if key in self._entries:
                self._drop(key)
            if size > self.max_bytes:
                return                  # larger than the whole budget: served once, never kept
            self._entries[key] = _Entry(value, size, self.clock())
            self.total_bytes += size
            while self.total_bytes > self.max_bytes:
                oldest = next(iter(self._entries))
                self._drop(oldest)
                self.evictions += 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.total_bytes = 0
