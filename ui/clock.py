"""The dashboard's notion of now. DASHBOARD_NOW (ISO timestamp) pins it for tests and demos."""
from __future__ import annotations

import os
from datetime import date, datetime


def now() -> datetime:
    pinned = os.environ.get("DASHBOARD_NOW")
    moment = datetime.fromisoformat(pinned) if pinned else datetime.now()
    return moment.replace(second=0, microsecond=0)


def today() -> date:
    return now().date()


def now_exact() -> datetime:
    """now() with seconds: what the wall's clock shows (DASHBOARD_NOW pins it like now())."""
    pinned = os.environ.get("DASHBOARD_NOW")
    return datetime.fromisoformat(pinned) if pinned else datetime.now().replace(microsecond=0)


def is_pinned() -> bool:
    return bool(os.environ.get("DASHBOARD_NOW"))
