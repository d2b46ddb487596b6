"""AppTest runs that cost what a server's run costs: the set-up a `streamlit run` process does once
at start is done once per benchmark process, not once per page measured.

Streamlit 1.67's AppTest scans every installed distribution for custom-component manifests
(`BidiComponentManager.discover_and_register_components`) the first time each AppTest object runs;
a server does it once, when its Runtime starts (streamlit/runtime/runtime.py). On this machine (159
distributions) the scan took 0.37–0.62 s, so every "cold" page figure that made a new AppTest per page
(bench_page_table until session 8) carried it. `app()` gives each new AppTest the process's one
discovered manager; `per_run_discovery=True` keeps the old behaviour (to compare with older figures).
"""
from __future__ import annotations

import os
from pathlib import Path

# The alert ticker (ui/alert_ticker.py) off unless a benchmark asks for it: its thread would evaluate the
# city's 预警 in the background, inside whichever measurement is running when the minute turns.
# bench_page_table --alerts-ticked does the ticker's evaluation itself, outside the clock.
os.environ.setdefault("DASHBOARD_ALERT_TICKER", "0")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_manager = None


def _discovered():
    global _manager
    if _manager is None:
        from streamlit.components.v2.component_manager import BidiComponentManager

        _manager = BidiComponentManager()
        _manager.discover_and_register_components(start_file_watching=False)
    return _manager


def app(page: str = "dashboard.py", params: dict[str, str] | None = None, *, timeout: float = 900,
        per_run_discovery: bool = False):
    """An AppTest of the entry script switched to `page` with URL `params`, sharing the process's
    component registry unless `per_run_discovery`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=timeout)
    if page != "dashboard.py":
        at.switch_page(page)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if not per_run_discovery:
        if not hasattr(at, "_bidi_component_manager"):
            raise RuntimeError("this Streamlit's AppTest has no _bidi_component_manager: check benchmarks/apptest.py")
        at._bidi_component_manager = _discovered()
    return at
