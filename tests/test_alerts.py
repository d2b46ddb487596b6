"""预警: rules evaluated on hand-built rows with exact levels, an alert that fires once until it
clears, acknowledgements per firing, and the webhook against a local HTTP server."""
from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pandas as pd
import pytest

from data import alert_state
from data.alerts_config import AlertsConfig
from data.signals_config import SignalsConfig
from data.store import refresh_open_cases
from queries.alerts import (anomaly_alerts, case_alerts, evaluate, level_counts, rule_level_counts,
                            unit_alerts, whistle_alerts)
from tests.builders import add_calendar, add_cases, add_whistle, new_db, window_scope

NOW = datetime(2026, 11, 23, 10, 0)     # Monday 10:00 (window_scope's now)
CONFIG = AlertsConfig()


@pytest.fixture
def con():
    con = new_db()
    add_calendar(con)
    return con


def test_near_deadline_and_overdue_levels_in_working_time(con):
    add_cases(con, [
        # dispatched Mon 08:30, handling deadline Mon 12:00 (3.5 h): at 10:00 1.5/3.5 = 43% used: no alert
        dict(reported_at=NOW - timedelta(hours=2), dispatched_at=datetime(2026, 11, 23, 8, 30),
             handle_deadline_at=datetime(2026, 11, 23, 12, 0), deadline_at=datetime(2026, 11, 25, 17), status="dispatched"),
        # dispatched Fri 15:00, deadline Mon 11:00 (2.5 + 2.5 = 5 h): 4 h used = 80%: 临期 蓝
        dict(reported_at=datetime(2026, 11, 20, 14), dispatched_at=datetime(2026, 11, 20, 15),
             handle_deadline_at=datetime(2026, 11, 23, 11, 0), deadline_at=datetime(2026, 11, 25, 17), status="dispatched"),
        # closing deadline Mon 09:00: 1 h past → 超期 黄
        dict(reported_at=datetime(2026, 11, 19, 9), deadline_at=datetime(2026, 11, 23, 9, 0), status="dispatched",
             dispatched_at=datetime(2026, 11, 19, 10)),
        # closing deadline Thu 19 Nov 17:30: Fri 7 h + Mon 1.5 h = 8.5 h past → 橙
        dict(reported_at=datetime(2026, 11, 16, 9), deadline_at=datetime(2026, 11, 19, 17, 30), status="dispatched",
             dispatched_at=datetime(2026, 11, 16, 10)),
        # overdue but closed, cancelled or shelved: never
        dict(reported_at=datetime(2026, 11, 16, 9), deadline_at=datetime(2026, 11, 17, 9), closed_at=datetime(2026, 11, 18, 9),
             status="closed"),
        dict(reported_at=datetime(2026, 11, 16, 9), deadline_at=datetime(2026, 11, 17, 9), is_cancelled=True, status="cancelled"),
        dict(reported_at=datetime(2026, 11, 16, 9), deadline_at=datetime(2026, 11, 17, 9), is_shelved=True, status="shelved"),
    ])
    got = case_alerts(con, window_scope(), CONFIG)
    assert got[["rule", "level"]].values.tolist() == [["超期", "橙"], ["超期", "黄"], ["临期", "蓝"]]
    assert "已超过结案时限 8.5 工作时" in got.detail_zh[0] and "处置时限已用 80%" in got.detail_zh[2]


def test_whistle_unanswered_past_its_limit(con):
    add_whistle(con, 1, NOW - timedelta(hours=30), calls=(("C001", None, 0), ("D43090201", NOW - timedelta(hours=29), 2)))
    add_whistle(con, 2, NOW - timedelta(hours=10), calls=(("C001", None, 0),))                  # within 24 h
    add_whistle(con, 3, NOW - timedelta(hours=30), calls=(("C001", None, 0),), solved_at=NOW)   # solved
    got = whistle_alerts(con, window_scope(), CONFIG)
    assert got[["alert_key", "level"]].values.tolist() == [["whistle:1:C001", "橙"]]
    assert got.subject_zh[0] == "大码头社区吹哨 → 市城管局" and "已等待 30 小时" in got.detail_zh[0]


def test_unit_on_time_rate_below_the_minimum_this_month(con):
    due = datetime(2026, 11, 10, 17)
    rows = [dict(reported_at=datetime(2026, 11, 9, 9), deadline_at=due, closed_at=due - timedelta(hours=1),
                 status="closed", unit_code="C001") for _ in range(3)]
    rows += [dict(reported_at=datetime(2026, 11, 9, 9), deadline_at=due, closed_at=due + timedelta(days=1),
                  status="closed", unit_code="C001")]
    add_cases(con, rows)
    config = replace(CONFIG, unit_min_due=4)
    got = unit_alerts(con, window_scope(), config)
    assert got[["alert_key", "level"]].values.tolist() == [["unit_on_time:C001:2026-11", "橙"]]
    assert "75.0%（3 / 4）" in got.detail_zh[0]
    assert unit_alerts(con, window_scope(), replace(config, unit_on_time_min=0.75)).empty
    assert unit_alerts(con, window_scope(), replace(config, unit_min_due=5)).empty


def test_evaluate_orders_by_level_and_counts_every_level(con):
    add_cases(con, [dict(reported_at=datetime(2026, 11, 16, 9), deadline_at=datetime(2026, 11, 17, 9),
                         status="dispatched", dispatched_at=datetime(2026, 11, 16, 10))])
    add_whistle(con, 1, NOW - timedelta(hours=30), calls=(("C001", None, 0),))
    got = evaluate(con, window_scope(), CONFIG, SignalsConfig())
    assert got.level.tolist() == ["红", "橙"]
    assert level_counts(got) == {"红": 1, "橙": 1, "黄": 0, "蓝": 0}


def test_one_burst_is_one_anomaly_alert_naming_every_span_it_stands_out_in(con):
    """A street × 小类 is the thing a 异动 alert names: this morning's burst is also the last 7 days'
    anomaly, and two alerts would count it twice on the overview and fire it twice to the webhook."""
    add_cases(con, [dict(reported_at=NOW - timedelta(minutes=20 + 5 * i)) for i in range(12)]
              + [dict(reported_at=NOW - timedelta(days=7 * k, hours=1)) for k in range(1, 9)]
              # a second street: a week of reports far above its usual level, nothing today
              + [dict(reported_at=NOW - timedelta(days=d, hours=3), district="430903") for d in range(1, 7)])
    got = anomaly_alerts(con, window_scope(), CONFIG, SignalsConfig())      # most surprising first
    assert got[["alert_key", "level"]].values.tolist() == [["anomaly:430903001:S0101", "黄"],
                                                          ["anomaly:430902001:S0101", "黄"]]
    assert got.detail_zh.tolist() == ["近7天上报 6 件，往常约 0.1 件",
                                      "今日上报 12 件，往常约 1.1 件；近7天上报 12 件，往常约 1.1 件"]
    # 红 below anomaly_red_p: p ≈ 7.8e-11 for the week of the second street, 1.6e-9 for the burst.
    red = anomaly_alerts(con, window_scope(), replace(CONFIG, anomaly_red_p=1e-10), SignalsConfig())
    assert red.level.tolist() == ["红", "黄"]


def test_the_overview_strip_counts_by_rule_so_a_backlog_of_overdue_cases_does_not_hide_a_burst():
    from ui.alerts import strip_text

    frame = pd.DataFrame({"rule": ["超期"] * 232 + ["超期"] * 44 + ["异动", "临期", "按期结案率偏低"],
                          "level": ["红"] * 232 + ["橙"] * 44 + ["红", "蓝", "橙"]})
    assert rule_level_counts(frame) == {"异动": {"红": 1}, "按期结案率偏低": {"橙": 1},
                                        "超期": {"红": 232, "橙": 44}, "临期": {"蓝": 1}}
    assert strip_text(frame.assign(ack_by=[None] * 278 + ["值班长"])) == (
        ":material/notifications_active: **预警**　异动 :red-badge[红 1]　按期结案率偏低 :orange-badge[橙 1]　"
        "超期 :red-badge[红 232] :orange-badge[橙 44]　临期 :blue-badge[蓝 1]　未确认 278 条")
    assert strip_text(frame.iloc[:0]) == ":material/notifications_active: **预警**　无　未确认 0 条"


def alerts(*keys_levels):
    return pd.DataFrame([{"alert_key": k, "rule": "超期", "level": lvl, "subject_zh": f"案件 {k}", "detail_zh": "d",
                          "case_no": k} for k, lvl in keys_levels])


def test_an_alert_fires_once_until_it_clears_then_fires_again(tmp_path):
    t = datetime(2026, 11, 23, 10)
    first = alert_state.sync(alerts(("a", "黄"), ("b", "蓝")), t, folder=tmp_path)
    assert [f["alert_key"] for f in first.fired] == ["a", "b"]
    again = alert_state.sync(alerts(("a", "红"), ("b", "蓝")), t + timedelta(minutes=1), folder=tmp_path)
    assert again.fired == [] and again.cleared == [] and again.active["a"]["level"] == "红"
    assert again.active["a"]["fired_at"] == "2026-11-23T10:00:00"
    gone = alert_state.sync(alerts(("b", "蓝")), t + timedelta(minutes=2), folder=tmp_path)
    assert gone.cleared == ["a"] and gone.fired == []
    back = alert_state.sync(alerts(("a", "黄"), ("b", "蓝")), t + timedelta(minutes=3), folder=tmp_path)
    assert [f["alert_key"] for f in back.fired] == ["a"] and back.active["a"]["fired_at"] == "2026-11-23T10:03:00"
    events = [json.loads(x)["event"] for x in (tmp_path / "events-2026-11-23.jsonl").read_text().splitlines()]
    assert events == ["fired", "fired", "cleared", "fired"]


def test_an_acknowledgement_belongs_to_one_firing(tmp_path):
    t = datetime(2026, 11, 23, 10)
    alert_state.sync(alerts(("a", "黄")), t, folder=tmp_path)
    alert_state.acknowledge("a", "2026-11-23T10:00:00", "值班长（演示）", t + timedelta(minutes=5), folder=tmp_path)
    alert_state.acknowledge("a", "2026-11-23T10:00:00", "另一人", t + timedelta(minutes=6), folder=tmp_path)
    assert alert_state.acks(tmp_path) == {("a", "2026-11-23T10:00:00"): ("值班长（演示）", "2026-11-23T10:05:00")}
    alert_state.sync(alerts(), t + timedelta(minutes=7), folder=tmp_path)
    refired = alert_state.sync(alerts(("a", "黄")), t + timedelta(minutes=8), folder=tmp_path)
    assert ("a", refired.active["a"]["fired_at"]) not in alert_state.acks(tmp_path)


class _Receiver(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received, _Receiver.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/alerts", _Receiver
    server.shutdown()


def test_each_newly_fired_alert_is_posted_once_to_the_webhook(tmp_path, receiver):
    url, handler = receiver
    t = datetime(2026, 11, 23, 10)
    alert_state.sync(alerts(("a", "红")), t, webhook_url=url, folder=tmp_path)
    alert_state.sync(alerts(("a", "红")), t + timedelta(minutes=1), webhook_url=url, folder=tmp_path)
    assert [(p["alert_key"], p["level"], p["rule"]) for p in handler.received] == [("a", "红", "超期")]
    assert set(handler.received[0]) == {"alert_key", "fired_at", "rule", "level", "subject_zh", "detail_zh"}


def test_a_failing_webhook_is_logged_and_never_raises(tmp_path, receiver):
    url, handler = receiver
    handler.status = 500
    alert_state.sync(alerts(("a", "红")), datetime(2026, 11, 23, 10), webhook_url=url, folder=tmp_path)
    events = [json.loads(x) for x in (tmp_path / "events-2026-11-23.jsonl").read_text().splitlines()]
    assert [e["event"] for e in events] == ["fired", "webhook_failed"] and "500" in events[1]["error"]
    alert_state.sync(alerts(("b", "红")), datetime(2026, 11, 23, 10, 1), webhook_url="http://127.0.0.1:9/none",
                     folder=tmp_path)
    assert "webhook_failed" in (tmp_path / "events-2026-11-23.jsonl").read_text()


def test_an_overdue_case_on_a_day_outside_the_calendar_still_alerts_at_the_first_level(con):
    add_cases(con, [dict(reported_at=datetime(2026, 11, 16, 9), deadline_at=datetime(2026, 11, 19, 17, 30),
                         status="dispatched", dispatched_at=datetime(2026, 11, 16, 10))])
    con.execute("DELETE FROM calendar WHERE cal_date = DATE '2026-11-19'")
    refresh_open_cases(con)     # a calendar change reaches readers through a publish, which clocks open_cases again
    got = case_alerts(con, window_scope(), CONFIG)
    assert got[["rule", "level"]].values.tolist() == [["超期", "黄"]] and "工作时未知" in got.detail_zh[0]


def test_alerts_do_not_read_the_page_window_so_one_entry_serves_every_range(con, monkeypatch):
    """ui.alerts keys the overview's alert strip on the selection without its window (Scope.live):
    exact because every rule reads only now; the rows here fire every rule kind."""
    add_cases(con, [dict(reported_at=datetime(2026, 11, 16, 9), deadline_at=datetime(2026, 11, 17, 9),
                         status="dispatched", dispatched_at=datetime(2026, 11, 16, 10)),
                    dict(reported_at=datetime(2026, 11, 20, 14), dispatched_at=datetime(2026, 11, 20, 15),
                         handle_deadline_at=datetime(2026, 11, 23, 11, 0), deadline_at=datetime(2026, 11, 25, 17),
                         status="dispatched")])
    add_whistle(con, 1, NOW - timedelta(hours=30), calls=(("C001", None, 0),))
    signals = SignalsConfig()
    live = evaluate(con, window_scope().live(), CONFIG, signals)
    assert len(live) >= 3
    for start, end in ((datetime(2026, 11, 1), datetime(2026, 11, 23)), (datetime(2025, 1, 1), datetime(2025, 2, 1)),
                       (datetime(2026, 11, 23), datetime(2026, 11, 24))):
        scope = window_scope(start_date=start.date(), end_date=end.date())
        pd.testing.assert_frame_equal(evaluate(con, scope, CONFIG, signals), live)
        scope = window_scope(start_date=start.date(), end_date=end.date(), districts=("430903",))
        pd.testing.assert_frame_equal(evaluate(con, scope, CONFIG, signals),
                                      evaluate(con, scope.live(), CONFIG, signals))

    from ui import alerts as ui_alerts
    keys = []
    monkeypatch.setattr(ui_alerts.cache, "derived", lambda name, scope, args, build: keys.append(scope))
    for days in (1, 7, 30):
        ui_alerts.user_alerts(window_scope(start_date=NOW.date() - timedelta(days=days)))
    ui_alerts.user_alerts(window_scope(access=replace(window_scope().access, label="other"),
                                       districts=("430902",)))
    assert len(set(keys[:3])) == 1 and keys[3] != keys[0]   # windows share; another selection does not
