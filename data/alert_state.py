"""Which alerts have fired, when they cleared, and who acknowledged them: files beside the database.

Why files and not the database: the dashboard's DuckDB connection is read-only by design and the
file it reads is a snapshot writers replace (the same reason as data/audit.py). The dashboard
evaluates the rules city-wide about once a minute and calls `sync`, which under an exclusive lock:
  - fires an alert whose key is new (event "fired", and a POST to the intranet webhook if configured);
  - keeps one that is still there without firing it again (its level may rise, e.g. 超期 黄 → 红);
  - clears one that is gone (event "cleared"); if it comes back later it fires anew.
Files in $DASHBOARD_ALERT_DIR, else `alerts/` beside the database:
  state.json              the active alerts {key: {fired_at, rule, level, subject_zh}}
  events-YYYY-MM-DD.jsonl fired / cleared / webhook_failed, one JSON object a line
  acks.jsonl              acknowledgements {alert_key, fired_at, by, at}; one applies to one firing
Alerts name cases, places and units, never a person; the webhook gets the same fields.
"""
from __future__ import annotations

import fcntl
import json
import os
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from data.config import db_path

WEBHOOK_TIMEOUT_SECONDS = 3.0


def alert_dir() -> Path:
    configured = os.environ.get("DASHBOARD_ALERT_DIR")
    return Path(configured) if configured else db_path().parent / "alerts"


@contextmanager
def _locked(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _append(path: Path, record: dict) -> None:
    """One line appended with one write on an O_APPEND file: lands whole, after every earlier line."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def _read_state(folder: Path) -> dict[str, dict]:
    try:
        return json.loads((folder / "state.json").read_text(encoding="utf-8")).get("active", {})
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_state(folder: Path, active: dict[str, dict]) -> None:
    tmp = folder / f"state.json.tmp{os.getpid()}"
    tmp.write_text(json.dumps({"active": active}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / "state.json")


@dataclass
class SyncResult:
    fired: list[dict] = field(default_factory=list)     # alerts fired by this sync
    cleared: list[str] = field(default_factory=list)    # keys cleared by this sync
    active: dict[str, dict] = field(default_factory=dict)


def sync(alerts: pd.DataFrame, now: datetime, *, webhook_url: str = "", folder: Path | None = None) -> SyncResult:
    """Brings the state in line with `alerts` (every alert now, city-wide: a partial list would clear
    the others). Returns what fired and cleared; posts the fired ones to `webhook_url`."""
    folder = folder or alert_dir()
    at = now.isoformat(timespec="seconds")
    result = SyncResult()
    with _locked(folder):
        active = _read_state(folder)
        current = {r.alert_key: r for r in alerts.itertuples(index=False)}
        events = folder / f"events-{now:%Y-%m-%d}.jsonl"
        for key in sorted(set(active) - set(current)):
            _append(events, {"at": at, "event": "cleared", "alert_key": key, "rule": active[key]["rule"]})
            del active[key]
            result.cleared.append(key)
        for key, r in current.items():
            if key in active:
                active[key]["level"] = r.level
                continue
            entry = {"fired_at": at, "rule": r.rule, "level": r.level, "subject_zh": r.subject_zh}
            active[key] = entry
            fired = {"alert_key": key, **entry, "detail_zh": r.detail_zh}
            _append(events, {"at": at, "event": "fired", **fired})
            result.fired.append(fired)
        _write_state(folder, active)
        result.active = dict(active)
    if webhook_url:
        for fired in result.fired:
            error = post(webhook_url, fired)
            if error:
                _append(folder / f"events-{now:%Y-%m-%d}.jsonl",
                        {"at": at, "event": "webhook_failed", "alert_key": fired["alert_key"], "error": error})
    return result


def post(url: str, payload: dict) -> str | None:
    """POSTs one alert as JSON; the error text, or None when the server answered 2xx."""
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310 - configured intranet URL
            return None if 200 <= response.status < 300 else f"HTTP {response.status}"
    except Exception as exc:   # any network failure is logged, never raised into the page
        return f"{type(exc).__name__}: {exc}"[:200]


def acknowledge(alert_key: str, fired_at: str, by: str, now: datetime, folder: Path | None = None) -> None:
    folder = folder or alert_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _append(folder / "acks.jsonl", {"alert_key": alert_key, "fired_at": fired_at, "by": by,
                                    "at": now.isoformat(timespec="seconds")})


def acks(folder: Path | None = None) -> dict[tuple[str, str], tuple[str, str]]:
    """{(alert_key, fired_at): (by, at)}: the first acknowledgement of each firing."""
    folder = folder or alert_dir()
    found: dict[tuple[str, str], tuple[str, str]] = {}
    try:
        lines = (folder / "acks.jsonl").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return found
    for line in lines:
        try:
            record = json.loads(line)
            found.setdefault((record["alert_key"], record["fired_at"]), (record["by"], record["at"]))
        except (json.JSONDecodeError, KeyError):
            continue
    return found


def active_alerts(folder: Path | None = None) -> dict[str, dict]:
    return _read_state(folder or alert_dir())
