"""Page tests for the wall screen (pages/wall.py): exact figures of a small known database, the
stale-data alarm and its recovery, the last good data kept when the database cannot be read, and a
failing region that does not take the rest of the wall down."""
from __future__ import annotations

import re
from datetime import date, datetime

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data.config import WallConfig, published_path
from data.store import publish, set_meta
from tests.builders import add_case, add_steps, new_db
from tests.pagetools import TEST_DB_NAME, clear_caches, metric_values, use_test_db

NOW = "2026-11-23T15:30:00"
COMMUNITY = "430902001001"


def known_database(con: duckdb.DuckDBPyConnection) -> None:
    add_steps(con)
    # Today: three accepted (one filed), one closed; yesterday by 15:30: one accepted.
    for hour in (9, 10, 11):
        add_case(con, reported_at=datetime(2026, 11, 23, hour), accepted_at=datetime(2026, 11, 23, hour),
                 status="accepted")
    add_case(con, reported_at=datetime(2026, 11, 23, 14, 50), accepted_at=datetime(2026, 11, 23, 15),
             filed_at=datetime(2026, 11, 23, 15, 10), status="filed", case_no="S01012026112300099",
             description="王五 13900001111 请回电")
    con.execute("INSERT INTO case_private (case_id, reporter_name, reporter_phone, reporter_id_no, address, is_confidential) "
                "SELECT max(case_id), '王五', '13900001111', NULL, '汽车路8号', false FROM cases")
    add_case(con, reported_at=datetime(2026, 11, 22, 9), accepted_at=datetime(2026, 11, 22, 9), status="accepted")
    # This month: 4 filed and dispatched, 3 closed (处置率 3/4), due 4 with 2 on time (按期结案率 2/4).
    for day, closed_day in ((2, 3), (3, 6), (4, 5)):
        add_case(con, reported_at=datetime(2026, 11, day, 9), accepted_at=datetime(2026, 11, day, 9),
                 filed_at=datetime(2026, 11, day, 9), dispatched_at=datetime(2026, 11, day, 10),
                 handled_at=datetime(2026, 11, closed_day, 9), verified_at=datetime(2026, 11, closed_day, 9),
                 closed_at=datetime(2026, 11, closed_day, 9), deadline_at=datetime(2026, 11, day + 2, 17),
                 status="closed")
    add_case(con, reported_at=datetime(2026, 11, 10, 9), accepted_at=datetime(2026, 11, 10, 9),
             filed_at=datetime(2026, 11, 10, 9), dispatched_at=datetime(2026, 11, 10, 10),
             deadline_at=datetime(2026, 11, 12, 17), status="dispatched", district="430903")      # overdue open
    con.executemany("INSERT INTO checkins VALUES (?, ?, ?, ?, ?, ?)", [
        (i, 100 + i, COMMUNITY, datetime(2026, 11, 23, 9, i), date(2026, 11, 23), "service") for i in range(1, 8)])
    con.execute("INSERT INTO whistles VALUES (1, $c, $at, '排水不畅', '基础设施', 1, NULL)",
                {"c": COMMUNITY, "at": datetime(2026, 11, 23, 11, 30)})


@pytest.fixture
def wall_db(tmp_path, monkeypatch):
    con = new_db()
    known_database(con)
    con.execute("UPDATE meta SET value = '2026-11-23T15:29:10' WHERE key = 'last_write_at'")
    use_test_db(con, tmp_path, monkeypatch, now=NOW)
    con.close()
    yield tmp_path / TEST_DB_NAME
    clear_caches()


def run_wall() -> AppTest:
    at = AppTest.from_file("../pages/wall.py", default_timeout=60)
    at.run()
    assert not at.exception
    return at


def markdown_text(at: AppTest) -> str:
    """All Markdown and caption sources, with the wall's escaping backslashes removed."""
    text = "\n".join(m.value for m in at.markdown) + "\n" + "\n".join(c.value for c in at.caption)
    return re.sub(r"\\(.)", r"\1", text)


def test_wall_shows_the_exact_figures_of_the_known_database(wall_db):
    at = run_wall()
    values = metric_values(at)
    assert values["今日受理"] == "4"
    assert values["今日立案"] == "1"
    assert values["超期未处置"] == "1"
    assert values["本月处置率"] == "75.0%"
    assert values["本月按期结案率"] == "50.0%"
    assert values["本月受理"] == "9"
    assert values["在岗志愿者"] == "7"
    assert values["吹哨未解决"] == "1"
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert deltas["今日受理"] == "+3"                       # against 1 yesterday by 15:30
    text = markdown_text(at)
    assert "3 / 4 件" in text and "2 / 4 件" in text        # numerator and denominator beside each rate
    assert "S01012026112300099" in text                   # the ticker shows case numbers ...
    for personal in ("王五", "13900001111", "汽车路8号", "请回电"):
        assert personal not in text                       # ... and never a person, phone, address or free text
    assert ":green[●]" in text and "数据更新于 1 分钟内" in text


def unstamp(db) -> None:
    """Makes the database and its snapshot look published by a version before schema stamps."""
    for path in (db, published_path(db).resolve()):
        con = duckdb.connect(str(path))
        con.execute("DELETE FROM meta WHERE key = 'schema_version'")
        con.close()


def test_a_snapshot_from_an_older_version_is_upgraded_without_a_status_box_on_the_wall(wall_db):
    unstamp(wall_db)
    at = run_wall()
    assert len(at.status) == 0                  # the wall's page never reruns: a box would stay on it
    assert metric_values(at)["本月处置率"] == "75.0%"
    con = duckdb.connect(str(wall_db), read_only=True)
    assert con.execute("SELECT count(*) FROM meta WHERE key = 'schema_version'").fetchone()[0] == 1
    con.close()


# The wall's regions and charts, by where they sit in the page's element tree.
PLACED = ("wall-clock", "wall-header", "wall-body", "wall-bottom", "wall-heartbeat", "wall-panel-kpis",
          "wall-panel-map", "wall-panel-people", "wall-panel-side", "wall-panel-ticker", "wall-panel-trend",
          "deck_gl_json_chart", "plotly_chart")


def tree(at: AppTest):
    """(index path, node) of every element and container of the page, depth first."""
    def walk(node, path: tuple[int, ...]):
        yield path, node
        for index, child in getattr(node, "children", {}).items():
            yield from walk(child, path + (index,))

    yield from walk(at.main, ())


def places(at: AppTest) -> dict[str, tuple[int, ...]]:
    """Index path of each region and chart of the wall. The browser keeps an element only while its
    path stays the same; a moved one is drawn anew, and that leaks memory in the browser (docs/wall.md)."""
    found: dict[str, tuple[int, ...]] = {}
    for path, node in tree(at):
        key = getattr(node, "key", None)
        name = key if key in PLACED else node.type
        if name in PLACED:
            assert name not in found, f"{name} twice"
            found[name] = path
    assert set(found) == set(PLACED), set(PLACED) - set(found)
    return found


def test_regions_keep_their_places_whatever_a_run_had_to_do_first_or_say(wall_db):
    unstamp(wall_db)                              # a snapshot of an older version: the first run upgrades it
    upgraded = places(run_wall())
    usual = places(run_wall())
    assert upgraded == usual

    published_path(wall_db).unlink()              # a new screen on a database not yet published:
    at = run_wall()                               # it publishes (with progress) before drawing
    assert len(at.status) == 0, "the first start's progress is cleared from the wall"
    assert places(at) == usual

    published_path(wall_db).unlink()              # unreadable for a moment: a notice, the last good data
    at.run()
    assert "数据库文件暂时不可用" in markdown_text(at)
    assert places(at) == usual

    con = duckdb.connect(str(wall_db))            # the feed stops: the freshness turns red
    set_meta(con, "last_write_at", "2026-11-23T14:00:00")
    publish(con, wall_db)
    con.close()
    clear_caches()
    at.run()
    assert ":red[●]" in markdown_text(at)
    assert places(at) == usual


def test_a_stale_feed_turns_the_freshness_red_and_it_clears_when_writes_resume(wall_db):
    writer = duckdb.connect(str(wall_db))
    set_meta(writer, "last_write_at", "2026-11-23T15:17:00")
    publish(writer, wall_db)
    at = run_wall()
    text = markdown_text(at)
    assert ":red[●]" in text and "数据更新于 13 分钟前" in text and "数据源可能已中断" in text
    set_meta(writer, "last_write_at", "2026-11-23T15:29:40")
    publish(writer, wall_db)
    writer.close()
    at.run()
    text = markdown_text(at)
    assert ":green[●]" in text and ":red[●]" not in text


def test_the_wall_keeps_the_last_good_data_and_says_so_when_the_database_is_unavailable(wall_db, monkeypatch):
    at = run_wall()
    published_path(wall_db).unlink()                      # the snapshot disappears for a moment
    at.run()
    assert not at.exception
    assert metric_values(at)["今日受理"] == "4"
    assert "数据库文件暂时不可用" in markdown_text(at)

    # and if reading fails outright (a cold cache and a broken connection): the session's last good data
    from queries.db import SnapshotReader

    def broken(self):
        raise duckdb.IOException("disk unavailable")

    monkeypatch.setattr(SnapshotReader, "cursor", broken)
    clear_caches()
    at.run()
    assert not at.exception
    assert metric_values(at)["今日受理"] == "4"
    assert "显示的是 15:30 的数据" in markdown_text(at)
    # the map and the trend of the last good data are drawn too (built here, not from the store)
    assert "暂时无法显示" not in markdown_text(at)
    assert len(at.get("deck_gl_json_chart")) == 1 and len(at.get("plotly_chart")) == 1


def test_two_screens_in_the_same_minute_share_one_map_and_one_trend(wall_db, monkeypatch):
    """The map (pydeck) and the 24-hour trend (plotly) are built and serialised once per (scope, snapshot,
    minute) for every screen (ui/figures.py): a second screen draws the very same figures without building."""
    import charts.wall

    built = {"wall_map": 0, "hourly_trend": 0}
    for name in built:
        real = getattr(charts.wall, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            built[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(charts.wall, name, counted)
    first, second = run_wall(), run_wall()
    assert built == {"wall_map": 1, "hourly_trend": 1}
    for kind in ("deck_gl_json_chart", "plotly_chart"):
        assert first.get(kind)[0].proto == second.get(kind)[0].proto
    assert '"name": "受理"' in first.get("plotly_chart")[0].proto.spec.replace('":"', '": "')
    clear_caches()   # a new snapshot or minute builds again
    run_wall()
    assert built == {"wall_map": 2, "hourly_trend": 2}


def test_a_region_that_fails_to_draw_says_so_and_the_rest_of_the_wall_stays(wall_db, monkeypatch):
    import charts.wall

    def broken(*_args, **_kwargs):
        raise ValueError("chart bug")

    monkeypatch.setattr(charts.wall, "hourly_trend", broken)
    at = run_wall()
    assert "趋势暂时无法显示" in markdown_text(at)
    assert metric_values(at)["今日受理"] == "4"


def test_the_carousel_shows_one_configured_panel_at_a_time_by_wall_clock(monkeypatch):
    from ui import wall

    config = WallConfig(carousel=("units", "categories", "districts"), carousel_seconds=20)
    monkeypatch.setattr(wall.time, "time", lambda: 20 * 7 + 3)
    assert wall.panel_now(config) == ("categories", 1)
    monkeypatch.setattr(wall.time, "time", lambda: 20 * 8)
    assert wall.panel_now(config) == ("districts", 2)
    assert wall.panel_now(WallConfig(carousel=("units",))) == ("units", 0)


def test_red_and_black_lists_never_name_the_same_unit():
    import pandas as pd

    from ui.wall import league_ends

    def ends(n: int) -> tuple[list[int], list[int]]:
        best, worst = league_ends(pd.DataFrame({"rank": range(1, n + 1)}))
        return list(best["rank"]), list(worst["rank"])

    assert ends(12) == ([1, 2, 3, 4, 5], [12, 11, 10, 9, 8])
    assert ends(10) == ([1, 2, 3, 4, 5], [10, 9, 8, 7, 6])
    assert ends(7) == ([1, 2, 3, 4], [7, 6, 5])
    assert ends(4) == ([1, 2], [4, 3])
    assert ends(1) == ([1], [])
    assert ends(0) == ([], [])


def test_a_single_panel_carousel_still_shows_its_panel(wall_db, monkeypatch):
    from ui import wall

    monkeypatch.setattr(wall, "load_wall", lambda: WallConfig(carousel=("units",)))
    at = run_wall()
    markers = [node for _, node in tree(at) if getattr(node, "key", None) == "wall-side-show-units"]
    # CSS shows the panel its marker names; the browser drops an empty container, so without
    # something in it the only panel would be hidden
    assert len(markers) == 1 and len(markers[0].children) == 1
    assert "责任单位 红榜" in markdown_text(at)


def test_the_alert_line_reads_by_rule_and_keeps_its_place_when_there_is_none():
    from ui.wall import alert_strip_text

    # one burst (异动 红) and 232 long-overdue cases must not read as one "红 233"
    text = alert_strip_text({"异动": {"红": 1}, "超期": {"红": 232, "橙": 44}})
    assert text.endswith("预警 异动 :red[**红 1**] · 超期 :red[**红 232**] :orange[**橙 44**]")
    assert "233" not in text
    assert alert_strip_text({}).endswith("预警 :gray[无]")
