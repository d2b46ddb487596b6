"""预警 in the pages: the city-wide evaluation that drives the alert state (fire once until cleared,
webhook), this user's alerts with when they fired and who acknowledged them, and the strip of
counts by level. Alerts name cases, places and units, never a person."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import streamlit as st

from data import alert_state
from data.alerts_config import LEVEL_COLOURS, load_alerts
from data.config import load_city
from data.signals_config import load_signals
from queries.alerts import evaluate, rule_level_counts
from queries.kpis import apply_rules
from queries.scope import Access, Scope
from ui import auth, cache
from ui.clock import now
from ui.result_cache import Shared, size_bytes

SYSTEM_ACCESS = Access(all_districts=True, label="预警服务（全市）")


def _city_scope() -> Scope:
    moment = now()
    return apply_rules(Scope(start_date=moment.date() - timedelta(days=30), end_date=moment.date() + timedelta(days=1),
                             access=SYSTEM_ACCESS, now_at=moment), load_city())


def city_evaluation() -> tuple[dict[str, dict], Scope, pd.DataFrame]:
    """Every rule evaluated city-wide and the alert state updated (fire once until cleared, webhook): once per
    snapshot and minute per process, by whoever asks first — the alert ticker at the start of each minute
    (ui/alert_ticker.py), so that alerts fire while nobody has a page open and no view waits for it, or a
    page whose snapshot the ticker has not evaluated yet (the lock in data.alert_state keeps several
    processes consistent). Returns the active state, the scope evaluated and its alerts, shared by every
    caller: read them, never change them."""
    scope = _city_scope()
    return cache.derived("city_alerts", scope, (), lambda: _evaluated(scope)).value


def _evaluated(scope: Scope) -> Shared:
    config, signals = load_alerts(), load_signals()
    alerts = evaluate(cache.snapshot(), scope, config, signals)
    active = alert_state.sync(alerts, scope.now_at, webhook_url=config.webhook_url).active
    return Shared((active, scope, alerts), size_bytes(alerts) + size_bytes(active))


def _sees_the_whole_city(access: Access) -> bool:
    return access.all_districts and not (access.districts or access.streets or access.units)


def _is_the_city_view(live: Scope, city: Scope) -> bool:
    """True when `live` asks exactly what the city-wide evaluation answered: an identity that sees
    every district, no filter, the same KPI rules and minute. Its alerts are then those rows, and
    evaluating them again cost a city-wide user's first view as much again (at 10M cases 0.13 s, at
    100M 0.4 s: alert_cases, anomaly_counts and the 按期结案率 rule's counts)."""
    return _sees_the_whole_city(live.access) and replace(live, access=city.access) == city.live()


def is_the_city_view(scope: Scope) -> bool:
    """True when `scope`'s alerts are exactly those of this minute's city-wide evaluation (city_evaluation)."""
    return _is_the_city_view(scope.live(), _city_scope())


def user_alerts(scope: Scope) -> pd.DataFrame:
    """The alerts this user's scope sees, with fired_at and the acknowledgement of that firing; built
    once per (selection without its window, snapshot, minute, acknowledgement file) and reused by
    reruns and by every time range of the selection (ui/cache.derived). Every rule reads the clock and
    never the page's window (queries/alerts.py; tests/test_alerts.py checks the results are equal)."""
    live = scope.live()
    return cache.derived("user_alerts", live, (_acks_stamp(),), lambda: _user_alerts(live))


def _acks_stamp() -> tuple[int, int] | None:
    """(modification time, size) of the acknowledgement log: any acknowledgement changes it."""
    try:
        info = (alert_state.alert_dir() / "acks.jsonl").stat()
    except FileNotFoundError:
        return None
    return info.st_mtime_ns, info.st_size


def _user_alerts(scope: Scope) -> pd.DataFrame:
    state, city_scope, city_alerts = city_evaluation()
    alerts = city_alerts if _is_the_city_view(scope, city_scope) else cache.get("alerts", scope, load_alerts(),
                                                                                  load_signals())
    acks = alert_state.acks()
    fired = alerts.alert_key.map(lambda k: state.get(k, {}).get("fired_at"))
    acked = [acks.get((k, f)) if f else None for k, f in zip(alerts.alert_key, fired)]
    return alerts.assign(fired_at=pd.to_datetime(fired), ack_by=[a[0] if a else None for a in acked],
                         ack_at=pd.to_datetime([a[1] if a else None for a in acked]))


def acknowledge(alert_key: str, fired_at) -> None:
    session = auth.current()
    who = (session.display_name or session.user_id) if session is not None and session.mode not in ("demo", "desk") \
        else (session.access.label if session is not None else "未知")
    alert_state.acknowledge(alert_key, pd.Timestamp(fired_at).isoformat(timespec="seconds"), str(who)[:60], now())


def strip_text(alerts: pd.DataFrame) -> str:
    """'预警 异动 :red-badge[红 1]　超期 :red-badge[红 232] :orange-badge[橙 44] …　未确认 …': each rule
    with its counts by level (never a name), events before the standing case lists. One total per level
    read '红 234' for 232 long-overdue cases (the 超期未处置 card's cases again) and one burst of reports
    this morning, and hid the burst."""
    groups = rule_level_counts(alerts)
    parts = [f"{rule} " + " ".join(f":{LEVEL_COLOURS[lvl]}-badge[{lvl} {n:,}]" for lvl, n in levels.items())
             for rule, levels in groups.items()]
    open_count = int(alerts.ack_by.isna().sum()) if "ack_by" in alerts else len(alerts)
    return f":material/notifications_active: **预警**　{'　'.join(parts) or '无'}　未确认 {open_count:,} 条"


def render_strip(scope: Scope) -> None:
    """The overview's 预警 line, linking to the list."""
    alerts = user_alerts(scope)
    left, right = st.columns([8, 2], vertical_alignment="center")
    left.markdown(strip_text(alerts))
    right.page_link("pages/signals.py", label="预警清单与确认", icon=":material/checklist:",
                    query_params={"view": "alerts"})
