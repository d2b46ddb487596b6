"""The server process's heap, as Python's collector sees it.

Python starts a full (generation 2) collection by itself once enough objects have survived younger
ones; a full collection walks every tracked object of the process, and most of them are the modules
the first page run imported (Streamlit, pandas, plotly, pyarrow, pydeck, DuckDB: ~160,000 objects).
On this app's heap one such collection took ~0.18 s, and it lands inside whatever run allocates the
object that triggers it: a cold 总览 at 10M cases paid one in one of three runs (docs/performance.md
5c, session 8). Streamlit's own collection after every run is off already (.streamlit/config.toml).

`freeze_imports()` runs gc.freeze() once per process, at the first page run's start (ui.app.setup_page,
after the page's module-level imports): what is alive then moves to the permanent generation, which
no collection walks. Those objects are still freed by reference counting; only a reference cycle among
them would stay (module-level state, kept for the life of the process anyway). Everything a run
allocates later is collected as before, so cached results and figures stay bounded by their budget.
"""
from __future__ import annotations

import atexit
import gc
import threading

_lock = threading.Lock()
_frozen = False


def freeze_imports() -> bool:
    """gc.freeze() the first time it is called in this process; True on that call only."""
    global _frozen
    if _frozen:
        return False
    with _lock:
        if _frozen:
            return False
        gc.freeze()
        # at exit, hand them back and collect, so that DuckDB's bindings (nanobind) do not report
        # their objects as leaked when the interpreter finalises
        atexit.register(_thaw)
        _frozen = True
        return True


def _thaw() -> None:
    """At exit: the frozen objects back in the collector's generations, and one collection."""
    gc.unfreeze()
    gc.collect()
