"""The wall screen's own frame and widgets (pages/wall.py): no sidebar, menu or toolbar, a dark
command-centre look filling exactly one viewport, a client-side clock, freshness with a stale
alarm, and the last good data kept on screen when the database is briefly unavailable.

The wall runs as its signed-in identity (the 大屏 role: city-wide or one district; ui/auth.py),
re-checked on every refresh so a revoked screen goes dark at the next tick, and reads aggregates only. Everything here renders data through st.metric, st.markdown (escaped) and charts:
st.html carries only the constant CSS and the constant clock script.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from charts.style import WALL_ACCENT, WALL_ALARM, WALL_BAD, WALL_BG, WALL_GOOD, WALL_LINE, WALL_MUTED, WALL_PANEL, WALL_TEXT
from charts.wall import count_text, fit_view, simplify_shapes
from data.alerts_config import LEVEL_COLOURS, load_alerts
from data.config import WALL_PANELS, CityConfig, WallConfig, load_city, load_wall
from data.signals_config import load_signals
from queries import wall as wall_queries
from queries.alerts import rule_level_counts
from queries.cases import LIVE_COLUMN
from queries.kpis import comparison_columns, kpi_columns, registry
from queries.numbers import percent_text, points_text, rate_text
from queries.periods import previous_caption
from queries.scope import Access, Scope
from queries.wall import WallScopes, wall_scopes
from ui import alert_ticker, auth, cache, figures, heap
from ui import alerts as ui_alerts
from ui.app import FAVICON, current_session, ensure_database, freshness_text, gate_sources
from ui.clock import is_pinned, now, now_exact
from ui.text import md_escape

LOG = logging.getLogger(__name__)
LAST_GOOD_KEY = "wall_last_good"
RUNS_KEY = "wall_runs"
# The map panel's size at the design resolution (1920×1080 CSS px), for fitting the city into it.
MAP_PX = (1000, 500)

# Sizes are in vh/vw so the wall fills exactly one viewport at any 16:9 size: 1920×1080 and
# 3840×2160 at device scale 2 have the same CSS viewport and look the same, only sharper.
# Only the side panel the carousel marker names is shown (see render_side).
SIDE_PANEL_CSS = "\n".join(
    f'.st-key-wall-panel-side:not(:has(.st-key-wall-side-show-{name})) '
    f'[data-testid="stLayoutWrapper"]:has(> .st-key-wall-side-{name}) {{ display: none !important; }}'
    for name in WALL_PANELS)

WALL_CSS = f"""
<style>
:root {{ --wall-bg: {WALL_BG}; --wall-panel: {WALL_PANEL}; --wall-line: {WALL_LINE}; --wall-text: {WALL_TEXT};
        --wall-muted: {WALL_MUTED}; --wall-accent: {WALL_ACCENT}; --wall-good: {WALL_GOOD}; --wall-bad: {WALL_BAD};
        --wall-alarm: {WALL_ALARM}; }}
html {{ font-size: calc(100vw / 120); }}
html, body {{ overflow: hidden !important; background: var(--wall-bg) !important; }}
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], [data-testid="stBottom"], footer {{ display: none !important; }}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
    background: radial-gradient(ellipse at 50% 0%, #0d2a5c 0%, var(--wall-bg) 55%) !important;
    color: var(--wall-text) !important; overflow: hidden !important; }}
[data-testid="stMain"] {{ height: 100vh !important; padding: 0 !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 0 0.9vw 0.9vh 0.9vw !important; max-width: 100% !important;
    height: 100vh !important; overflow: hidden !important; }}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{ gap: 0 !important; }}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"] > [data-testid="stVerticalBlock"] {{
    gap: 1vh !important; }}
[data-testid="stLayoutWrapper"]:has(> .st-key-wall-heartbeat) {{ display: none !important; }}
[data-testid="stLayoutWrapper"]:has(> div[class*="st-key-wall-heading"]) {{ flex-shrink: 0 !important; }}
/* Reruns must not fade or blink what is on screen. */
[data-stale="true"], [data-stale="true"] * {{ opacity: 1 !important; transition: none !important; }}
.stApp [data-testid="stMarkdownContainer"], .stApp [data-testid="stMarkdownContainer"] p,
.stApp [data-testid="stMarkdownContainer"] td {{ color: var(--wall-text); }}
.stApp [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {{ color: inherit !important; }}
/* Markdown colours (:green[], :red[] ...) come in the light theme's dark shades: lift them for the dark wall. */
.stApp span.stMarkdownColoredText {{ filter: brightness(1.9) saturate(1.15); }}
.stApp span.stMarkdownBadge {{ background-color: rgba(251,191,36,0.2) !important; color: var(--wall-alarm) !important; }}
.stApp * {{ font-variant-numeric: tabular-nums; }}
[data-testid="stElementContainer"]:has(> .stHtml:empty) {{ display: none; }}

/* ── header ── */
.st-key-wall-header {{ flex: 0 0 7.4vh !important; height: 7.4vh !important; border-bottom: 2px solid #1f4f99;
    background: linear-gradient(180deg, rgba(20,60,130,0.45), rgba(6,18,41,0)); padding: 0 0.6vw;
    display: flex; align-items: center; }}
.st-key-wall-header {{ justify-content: center !important; }}
.st-key-wall-header [data-testid="stHorizontalBlock"] {{ align-items: center !important; }}
.st-key-wall-title p {{ font-size: 3.6vh !important; font-weight: 800; letter-spacing: 0.45vh; text-align: center;
    margin: 0; color: #f4f8ff; text-shadow: 0 0 1.2vh rgba(56,189,248,0.75); white-space: nowrap; }}
.st-key-wall-fresh p, .st-key-wall-fresh-stale p {{ font-size: 2.1vh !important; text-align: right; margin: 0;
    white-space: nowrap; }}
.st-key-wall-fresh-stale p {{ color: var(--wall-bad) !important; font-weight: 800; animation: wall-blink 1.6s steps(2) infinite;
    font-size: 1.75vh !important; line-height: 1.3; white-space: normal; overflow-wrap: anywhere; }}
@keyframes wall-blink {{ 50% {{ opacity: 0.45; }} }}
/* By rule the 预警 line is longer than the right third: it keeps its right edge and runs leftwards
   under the title (anchored at the right edge), never off the screen. */
.st-key-wall-alerts [data-testid="stMarkdownContainer"] {{ position: relative; height: 2.1vh; }}
.st-key-wall-alerts p {{ font-size: 1.7vh !important; text-align: right; margin: 0; white-space: nowrap; line-height: 1.2;
    position: absolute; right: 0; top: 0; width: max-content; }}
.st-key-wall-notice p {{ font-size: 1.5vh !important; color: var(--wall-alarm) !important; text-align: right; margin: 0; }}
.st-key-wall-clock {{ position: fixed; top: 0; left: 1.6vw; height: 7.4vh !important; z-index: 5; display: flex; align-items: center; }}
.wall-clock {{ display: flex; align-items: baseline; gap: 0.9vw; color: var(--wall-text); white-space: nowrap; }}
.wall-clock-time {{ font-size: 3.4vh; font-weight: 700; font-variant-numeric: tabular-nums; letter-spacing: 0.1vh; }}
.wall-clock-date {{ font-size: 1.9vh; color: var(--wall-muted); }}
.st-key-wall-heartbeat {{ display: none !important; }}

/* ── panels ── */
/* Nothing inside a panel shrinks below its content: a panel has a fixed height and clips instead. */
div[class*="st-key-wall-panel"] [data-testid="stElementContainer"],
div[class*="st-key-wall-panel"] [data-testid="stLayoutWrapper"] {{ flex-shrink: 0 !important; }}
.st-key-wall-body {{ flex: 0 0 60.5vh !important; height: 60.5vh !important; }}
.st-key-wall-bottom {{ flex: 0 0 28.4vh !important; height: 28.4vh !important; }}
.st-key-wall-body > div > [data-testid="stHorizontalBlock"], .st-key-wall-bottom > div > [data-testid="stHorizontalBlock"],
.st-key-wall-body [data-testid="stHorizontalBlock"]:first-child {{ height: 100% !important; gap: 0.8vw; }}
.st-key-wall-body [data-testid="stColumn"], .st-key-wall-bottom [data-testid="stColumn"] {{ height: 100% !important; }}
div[class*="st-key-wall-panel"] {{ background: linear-gradient(180deg, rgba(16,44,92,0.72), rgba(8,24,54,0.82));
    border: 1px solid #1f4a8a; border-radius: 0.5vh; box-shadow: inset 0 0 2vh rgba(56,189,248,0.08);
    padding: 1vh 0.7vw !important; overflow: hidden !important; gap: 0.7vh !important; }}
.st-key-wall-panel-kpis, .st-key-wall-panel-side {{ flex: 0 0 60.5vh !important; height: 60.5vh !important; }}
.st-key-wall-panel-map {{ flex: 0 0 44.2vh !important; height: 44.2vh !important; }}
.st-key-wall-panel-people {{ flex: 0 0 15.3vh !important; height: 15.3vh !important; }}
.st-key-wall-panel-ticker, .st-key-wall-panel-trend {{ flex: 0 0 28.4vh !important; height: 28.4vh !important; }}
div[class*="st-key-wall-heading"] {{ flex: 0 0 2.9vh !important; height: 2.9vh !important; min-height: 2.9vh !important;
    justify-content: center; }}
div[class*="st-key-wall-heading"] p {{ font-size: 2.05vh !important; font-weight: 700; color: #7cc8ff !important;
    margin: 0; border-left: 0.45vw solid var(--wall-accent); padding-left: 0.5vw; line-height: 1.25; white-space: nowrap; }}
div[class*="st-key-wall-heading"] p span {{ color: var(--wall-muted) !important; font-weight: 500; font-size: 1.55vh; }}

/* KPI tiles */
.st-key-wall-panel-kpis [data-testid="stColumn"] > [data-testid="stVerticalBlock"] {{ gap: 0.8vh !important; }}
div[class*="st-key-wall-tile"] {{ background: rgba(18,52,110,0.55); border: 1px solid #21508f; border-radius: 0.4vh;
    padding: 0.5vh 0.6vw !important; flex: 0 0 12.2vh !important; height: 12.2vh !important; overflow: hidden !important; gap: 0 !important; }}
div[class*="st-key-wall-tile"] [data-testid="stMetricLabel"] p {{ font-size: 1.7vh !important; color: #b9cdea !important; }}
div[class*="st-key-wall-tile"] [data-testid="stMetricValue"] {{ font-size: 4.3vh !important; font-weight: 800;
    color: #ffffff !important; line-height: 1.1; }}
div[class*="st-key-wall-panel"] [data-testid="stMetric"] > div, div[class*="st-key-wall-panel"] [data-testid="stMetric"] {{ gap: 0 !important; }}
div[class*="st-key-wall-panel"] [data-testid="stMetricDelta"] p {{ line-height: 1.25 !important; }}
div[class*="st-key-wall-tile"][class*="-alarm-"] [data-testid="stMetricValue"] {{ color: var(--wall-alarm) !important; }}
div[class*="st-key-wall-tile"] [data-testid="stMetricDelta"], div[class*="st-key-wall-tile"] [data-testid="stMetricDelta"] p {{
    font-size: 1.65vh !important; background: transparent !important; padding: 0 !important; color: var(--wall-muted) !important; }}
div[class*="st-key-wall-tile-good"] [data-testid="stMetricDelta"], div[class*="st-key-wall-tile-good"] [data-testid="stMetricDelta"] p {{ color: var(--wall-good) !important; }}
div[class*="st-key-wall-tile-bad"] [data-testid="stMetricDelta"], div[class*="st-key-wall-tile-bad"] [data-testid="stMetricDelta"] p {{ color: var(--wall-bad) !important; }}
div[class*="st-key-wall-tile"] [data-testid="stMetric"] [data-testid="stCaptionContainer"] p, div[class*="st-key-wall-tile"] [data-testid="stMetricDeltaDescription"] {{ color: var(--wall-muted) !important; }}
div[class*="st-key-wall-tile"] [data-testid="stMetricDelta"] svg {{ width: 1.6vh; height: 1.6vh !important; }}
div[class*="st-key-wall-tile"] [data-testid="stCaptionContainer"] p {{ font-size: 1.45vh !important; color: var(--wall-muted) !important; margin: 0; }}
[data-testid="stMetricDelta"] div {{ color: inherit !important; }}
[data-testid="stElementToolbar"], [data-testid="stElementToolbarButton"], button[title="View fullscreen"] {{ display: none !important; }}

/* people strip */
div[class*="st-key-wall-chip"] {{ flex: 0 0 9.6vh !important; height: 9.6vh !important; overflow: hidden !important; background: rgba(18,52,110,0.45); border-radius: 0.4vh;
    padding: 0.4vh 0.6vw !important; gap: 0 !important; border-top: 0.3vh solid #2a6fc4; }}
div[class*="st-key-wall-chip"] [data-testid="stMetricLabel"] p {{ font-size: 1.7vh !important; color: #b9cdea !important; }}
div[class*="st-key-wall-chip"] [data-testid="stMetricValue"] {{ font-size: 3.7vh !important; font-weight: 800; color: #fff !important; line-height: 1.1; }}
div[class*="st-key-wall-chip"][class*="-alarm-"] [data-testid="stMetricValue"] {{ color: var(--wall-alarm) !important; }}
div[class*="st-key-wall-chip"] [data-testid="stCaptionContainer"] p {{ font-size: 1.4vh !important; color: var(--wall-muted) !important; margin: 0; white-space: nowrap; }}

/* tables: ticker, red and black lists, categories, districts */
div[class*="st-key-wall-panel"] table {{ width: 100%; border-collapse: collapse; font-size: 1.95vh; margin: 0; line-height: 1.3; }}
div[class*="st-key-wall-panel"] [data-testid="stMetricLabel"] p, div[class*="st-key-wall-panel"] [data-testid="stCaptionContainer"] p {{ line-height: 1.25 !important; }}
div[class*="st-key-wall-panel"] [data-testid="stMetricLabel"] {{ min-height: 0 !important; }}
div[class*="st-key-wall-panel"] [data-testid="stElementContainer"]:has([data-testid="stPlotlyChart"]),
div[class*="st-key-wall-panel"] [data-testid="stElementContainer"]:has([data-testid="stDeckGlJsonChart"]) {{
    flex: 1 1 0 !important; min-height: 0 !important; }}
.st-key-wall-panel-trend [data-testid="stPlotlyChart"] {{ height: 100% !important; }}
div[class*="st-key-wall-panel"] th {{ font-size: 1.5vh; white-space: nowrap; color: var(--wall-muted) !important; font-weight: 500;
    border: 0 !important; border-bottom: 1px solid #24497f !important; padding: 0.3vh 0.4vw !important; text-align: left; background: transparent !important; }}
div[class*="st-key-wall-panel"] td {{ border: 0 !important; border-bottom: 1px dashed rgba(60,110,180,0.45) !important;
    padding: 0.42vh 0.4vw !important; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 14vw; background: transparent !important; }}
div[class*="st-key-wall-panel"] tr {{ background: transparent !important; }}
div[class*="st-key-wall-panel"] td:last-child, div[class*="st-key-wall-panel"] th:last-child {{ text-align: right; }}
div[class*="st-key-wall-panel"] [data-testid="stMarkdownContainer"] code {{ background: transparent; color: var(--wall-muted);
    font-size: 1.5vh; padding: 0; }}
.st-key-wall-panel-ticker td {{ font-size: 1.8vh; padding: 0.2vh 0.4vw !important; }}
.st-key-wall-lists {{ gap: 1.2vh !important; }}
.st-key-wall-panel-side [data-testid="stCaptionContainer"] p, .st-key-wall-panel-map [data-testid="stCaptionContainer"] p,
.st-key-wall-panel-ticker [data-testid="stCaptionContainer"] p {{ font-size: 1.35vh !important; color: var(--wall-muted) !important; margin: 0; }}
div.st-key-wall-side-units table {{ table-layout: fixed; }}
div.st-key-wall-side-units th:nth-child(1) {{ width: 2.3vw; }}
div.st-key-wall-side-units th:nth-child(3) {{ width: 4.7vw; }}
div.st-key-wall-side-units th:nth-child(4) {{ width: 3.3vw; }}
div.st-key-wall-side-units td {{ max-width: none; font-size: 1.9vh; padding-left: 0.25vw !important; padding-right: 0.25vw !important; }}
div.st-key-wall-side-units th {{ padding-left: 0.25vw !important; padding-right: 0.25vw !important; }}
div.st-key-wall-side-districts td {{ font-size: 2.3vh !important; padding: 1.5vh 0.4vw !important; }}
div.st-key-wall-side-categories td {{ font-size: 2.0vh !important; padding: 0.55vh 0.4vw !important; }}
[data-testid="stLayoutWrapper"]:has(> div[class*="st-key-wall-side-show-"]) {{ margin-top: auto; }}
{SIDE_PANEL_CSS}
div[class*="st-key-wall-side-show-"] p {{ text-align: center; font-size: 1.6vh !important; letter-spacing: 0.5vw; margin: 0; }}
[data-testid="stDeckGlJsonChart"], [data-testid="stPlotlyChart"] {{ background: transparent !important; }}
.st-key-wall-panel-map {{ position: relative; }}
[data-testid="stLayoutWrapper"]:has(> .st-key-wall-map-stats) {{ position: absolute !important; right: 1.2vw; top: 5.5vh; z-index: 3; width: auto !important; }}
[data-testid="stLayoutWrapper"]:has(> .st-key-wall-map-legend) {{ position: absolute !important; left: 1.2vw; top: 5.2vh; z-index: 3; width: 22vw !important; }}
.st-key-wall-map-stats {{ gap: 0.2vh !important; text-align: right; align-items: flex-end !important; }}
div.st-key-wall-map-stats [data-testid="stCaptionContainer"] p {{ text-align: right; margin-bottom: 1.4vh !important;
    font-size: 1.7vh !important; color: #b9cdea !important; }}
.st-key-wall-map-stats [data-testid="stMetricLabel"] p {{ font-size: 1.7vh !important; color: #b9cdea !important; }}
.st-key-wall-map-stats [data-testid="stMetricValue"] {{ font-size: 4.2vh !important; font-weight: 800; color: #fff !important; line-height: 1.1; justify-content: flex-end; }}
.st-key-wall-map-stats [data-testid="stMetric"] {{ text-align: right; align-items: flex-end; }}
.st-key-wall-map-legend {{ gap: 0.4vh !important; }}
.wall-legend {{ display: flex; align-items: center; gap: 0.5vw; font-size: 1.45vh; color: var(--wall-muted); }}
.wall-ramp {{ display: inline-block; width: 7vw; height: 1.2vh; border-radius: 0.3vh;
    background: linear-gradient(90deg, rgb(17,42,84), rgb(23,94,160), rgb(46,160,226), rgb(56,189,248)); }}
.wall-spot {{ display: inline-block; width: 1.5vh; height: 1.5vh; border-radius: 50%; margin-left: 1vw;
    background: var(--wall-alarm); box-shadow: 0 0 0 0.45vh rgba(251,191,36,0.25); }}
</style>
"""

# A client-side clock (server time via the heartbeat element; constant script, no data in it).
# It syncs to the server's time once, and again only if it drifts by more than 2 s; a pinned
# DASHBOARD_NOW (tests, demos) is synced once and then runs on.
CLOCK_HTML = """
<div class="wall-clock"><span class="wall-clock-time" id="wall-clock-time">--:--:--</span>
<span class="wall-clock-date" id="wall-clock-date"></span></div>
<script>
(function () {
  if (window.__wallClockTimer) { clearInterval(window.__wallClockTimer); }
  var offset = null;
  var days = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function serverTime() {
    var hb = document.querySelector(".st-key-wall-heartbeat");
    var m = hb && /server=(\\d+)-(\\d+)-(\\d+)T(\\d+):(\\d+):(\\d+);pinned=(\\d)/.exec(hb.textContent);
    if (!m) { return null; }
    return { ms: new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]).getTime(), pinned: m[7] === "1" };
  }
  function tick() {
    var s = serverTime();
    if (s && (offset === null || (!s.pinned && Math.abs(Date.now() + offset - s.ms) > 2000))) {
      offset = s.ms - Date.now();
    }
    var t = new Date(Date.now() + (offset || 0));
    var timeEl = document.getElementById("wall-clock-time");
    var dateEl = document.getElementById("wall-clock-date");
    if (!timeEl || !dateEl) { return; }
    timeEl.textContent = pad(t.getHours()) + ":" + pad(t.getMinutes()) + ":" + pad(t.getSeconds());
    dateEl.textContent = t.getFullYear() + "年" + (t.getMonth() + 1) + "月" + t.getDate() + "日 " + days[t.getDay()];
  }
  tick();
  window.__wallClockTimer = setInterval(tick, 250);
})();
</script>
"""

# Constant legend of the map's colours (no data in it).
MAP_LEGEND_HTML = """
<div class="wall-legend"><span>今日受理 少</span><span class="wall-ramp"></span><span>多</span>
<span class="wall-spot"></span><span>热点</span></div>
"""


def setup_wall() -> tuple[CityConfig, WallConfig]:
    """Call first on the wall page: page config (no sidebar), the wall's CSS, the demo database on
    first start, and the clock."""
    heap.freeze_imports()   # as setup_page: a process serving only walls freezes its imported heap too (ui/heap.py)
    city = load_city()
    st.set_page_config(page_title=f"指挥大屏 · {city.centre_name}", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="collapsed")
    st.html(WALL_CSS)
    # One slot, drawn on every run: the first start's progress shows in it and is cleared after, so the
    # regions below keep their places in the page whatever a run had to do first. A browser keeps an
    # element only while its place stays; a moved region is drawn anew, and the map (deck.gl) and a
    # redrawn wall leave memory behind in the browser each time (docs/wall.md, "Memory in the browser").
    setup_slot = st.empty()
    if LAST_GOOD_KEY not in st.session_state:  # first run of this screen: build or publish the demo if missing
        with setup_slot.container():
            ensure_database()
        setup_slot.empty()
    # The city's 预警 each minute on a thread of its own: a hall with only the wall on screen still fires
    # alerts and webhooks (ui/alert_ticker.py).
    alert_ticker.keep_running()
    current_session(auth.WALL_PAGE)   # the page stops here, with the reason, for anyone not allowed
    with st.container(key="wall-clock"):
        st.html(CLOCK_HTML, unsafe_allow_javascript=True)
    return city, load_wall()


def wall_verdict() -> auth.Verdict:
    """The gate again, without drawing: every refresh of the fragment re-reads the identity and
    the authorisation table."""
    return auth.evaluate(auth.WALL_PAGE, **gate_sources())


def wall_access() -> Access:
    """This screen's access (the 大屏 role's city or district; the demo identity on the demo
    database); nothing when the identity is no longer allowed."""
    verdict = wall_verdict()
    return verdict.session.access if verdict.outcome == "ok" else Access()


@dataclass
class WallData:
    """One consistent snapshot of everything the wall shows."""

    fetched_at: datetime
    version: str
    meta: dict[str, str]
    pace: pd.Series
    overdue_open: int           # 超期未处置 now, whole selection
    month: pd.Series
    last_month: pd.Series
    districts: pd.DataFrame
    district_shapes: pd.DataFrame
    street_shapes: pd.DataFrame
    view: tuple[float, float, float]
    hotspots: pd.DataFrame
    latest: pd.DataFrame
    hourly: pd.DataFrame
    people: pd.Series
    categories: pd.DataFrame
    league: pd.DataFrame
    district_league: pd.DataFrame
    scopes: WallScopes = field(repr=False, default=None)
    month_caption: str = "较上月同期"   # names the span: 较上月同期（2026年11月01日–11月07日）
    alert_counts: dict[str, dict[str, int]] = field(default_factory=dict)   # 预警 {rule: {level: n}}, counts only
    # Read from this run's snapshot: its figures are built once per (scope, snapshot, minute) for every
    # screen (ui/figures.py). False for the last good data shown while the database cannot be read.
    current: bool = True


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _simplified(ref: Scope, level: int, tolerance_degrees: float) -> pd.DataFrame:
    """The polygons of one level as the wall's map draws them, for as long as get_reference keeps them: keyed on
    the reference scope and level, not on the polygons, whose text st.cache_data hashed on every refresh."""
    return simplify_shapes(cache.get_reference("area_shapes", ref, level), tolerance_degrees)


def live_overdue_total(overdue: pd.DataFrame) -> int:
    """超期未处置 of the whole selection from overdue_counts rows grouped 'all' (none: no such case)."""
    return int(overdue[LIVE_COLUMN].sum())


def _reference_scope(scope: Scope) -> Scope:
    """The scope for area polygons: same access, a now that does not tick (midnight)."""
    midnight = datetime.combine(scope.now_at.date(), datetime.min.time())
    return Scope(start_date=scope.start_date, end_date=scope.end_date, access=scope.access, now_at=midnight)


def fetch_wall_data(city: CityConfig, config: WallConfig, moment: datetime) -> WallData:
    scopes = wall_scopes(moment, wall_access(), league_days=config.league_days,
                         exclude_shelved=city.exclude_shelved_from_filed,
                         exclude_deferred=city.exclude_deferred_from_due)
    ref = _reference_scope(scopes.today)
    kpis = registry(city)
    # Only the counts render_kpis shows (the wall refetches on every published snapshot).
    month_kpis = [kpis["disposal_rate"], kpis["on_time_rate"], kpis["accepted"], kpis["closed_in_period"]]
    month_columns = kpi_columns(month_kpis)
    # Every query of the refresh starts now on the prefetch threads (ui/cache.prefetch), slowest first;
    # this thread reads the hours and simplifies the polygons meanwhile, then takes each result.
    # A city-wide wall's 预警 are the city evaluation of this minute (the alert ticker's: ui/alert_ticker.py);
    # any other wall evaluates its own every ALERT_MINUTES.
    city_wide = ui_alerts.is_the_city_view(scopes.today)
    calls = {
        "alerts": None if city_wide else alert_call(scopes.today),
        "month": ("case_kpis", scopes.month, month_columns),
        # Last month only for the changes: numerators and denominators (no pending count).
        "last_month": ("case_kpis", scopes.last_month, comparison_columns(month_kpis)),
        "league": ("unit_league", scopes.league, city.league_min_volume),
        "district_league": ("area_summary", scopes.league, 1, wall_queries.LEAGUE_COLUMNS),
        # area_summary with the two counts shown (its live count from the entry the tile read), suppressed
        # as wall_districts is (queries/wall.py).
        "districts": ("area_summary", scopes.today, 1, wall_queries.TODAY_COLUMNS),
        "hotspots": ("wall_hotspots", scopes.today, config.hotspot_hours, config.hotspot_cell_degrees,
                     config.min_cell_count),
        "latest": ("wall_latest_cases", scopes.today, config.ticker_rows),
        "people": ("wall_people", scopes.today),
        "categories": ("wall_categories", scopes.today, 10, config.min_cell_count),
        # Today's tile is the live overdue count alone: its own query (overdue_counts.sql), not case_kpis,
        # which would also read today's cases for the group's name (docs/performance.md section 5c).
        "overdue": ("overdue_counts", scopes.today.live(), "all"),
    }
    cache.prefetch(*calls.values())
    day = cache.get("wall_day_hours", scopes.hours)
    district_shapes = _simplified(ref, 1, 0.004)
    street_shapes = _simplified(ref, 2, 0.004)
    return WallData(
        fetched_at=moment,
        version=cache.snapshot().version,
        meta=cache.meta(),
        # Today against yesterday (the tiles) and the 24-hour trend from one query (queries/wall.py day_hours).
        pace=wall_queries.pace_of(day),
        overdue_open=live_overdue_total(cache.get(*calls["overdue"])),
        month=cache.get(*calls["month"]),
        last_month=cache.get(*calls["last_month"]),
        # Short for the panel heading: "较上月同期 11月01日–07日" (the date on screen gives the year).
        month_caption=previous_caption(scopes.month.start_date, scopes.month.end_date, "month",
                                       with_year=False).replace("（", " ").replace("）", ""),
        districts=wall_queries.suppress_districts(cache.get(*calls["districts"]), config.min_cell_count).merge(
            district_shapes[["area_code", "geojson"]], on="area_code", how="left"),
        district_shapes=district_shapes,
        street_shapes=street_shapes,
        view=fit_view(district_shapes, *MAP_PX),
        hotspots=cache.get(*calls["hotspots"]),
        latest=cache.get(*calls["latest"]),
        hourly=wall_queries.hourly_of(day),
        people=cache.get(*calls["people"]),
        categories=cache.get(*calls["categories"]),
        league=cache.get(*calls["league"]),
        district_league=cache.get(*calls["district_league"]),
        scopes=scopes,
        alert_counts=rule_level_counts(ui_alerts.city_evaluation()[2] if city_wide else cache.get(*calls["alerts"])),
    )


def load_wall_data(city: CityConfig, config: WallConfig) -> tuple[WallData | None, str | None]:
    """(data, notice): fresh data, or the last good data of this session with a notice saying so
    when the database cannot be read right now; (None, notice) before anything was ever read."""
    moment = now()
    verdict = wall_verdict()
    if verdict.outcome != "ok":   # revoked mid-session: nothing stays on screen, not even the last good data
        st.session_state.pop(LAST_GOOD_KEY, None)
        return None, verdict.message or "请先登录"
    try:
        data = fetch_wall_data(city, config, moment)
    except Exception as exc:  # any read failure keeps the screen up; the log keeps the cause
        LOG.warning("wall: data read failed, keeping the last good data: %s", exc)
        last: WallData | None = st.session_state.get(LAST_GOOD_KEY)
        if last is None:
            return None, "数据库暂时无法读取，正在重试……"
        return replace(last, current=False), f"数据库暂时无法读取，显示的是 {last.fetched_at:%H:%M} 的数据，正在重试……"
    st.session_state[LAST_GOOD_KEY] = data
    error = cache.reader().last_error
    return data, error


@contextmanager
def region(label: str):
    """Draws one region of the wall; if it fails, the region says so and the rest stays up (the
    cause goes to the server log). Streamlit's own rerun/stop signals are BaseExceptions and pass."""
    try:
        yield
    except Exception:
        LOG.exception("wall: region %s failed to draw", label)
        st.caption(md_escape(f"{label}暂时无法显示，正在重试……"))


def heartbeat_text(run: int, version: str) -> str:
    """What the hidden heartbeat element says: the clock script and the soak test read it."""
    return f"run={run};server={now_exact():%Y-%m-%dT%H:%M:%S};pinned={int(is_pinned())};version={version}"


def render_heartbeat(version: str) -> None:
    run = st.session_state.get(RUNS_KEY, 0) + 1
    st.session_state[RUNS_KEY] = run
    with st.container(key="wall-heartbeat"):
        st.markdown(md_escape(heartbeat_text(run, version)))


def render_heading(text: str, note: str = "", *, key: str) -> None:
    with st.container(key=f"wall-heading-{key}"):
        st.markdown(md_escape(text) + (f" :gray[{md_escape(note)}]" if note else ""))


def render_header(city: CityConfig, config: WallConfig, data: WallData | None, notice: str | None) -> None:
    with st.container(key="wall-header"):
        left, centre, right = st.columns([1.05, 2, 1.05])
        with centre, st.container(key="wall-title"):
            st.markdown(md_escape(city.centre_name))
        with right:
            meta = data.meta if data else {}
            text, stale = freshness_text(meta, now(), config.stale_minutes)
            demo = " · 示例数据" if meta.get("is_demo") == "true" else ""
            with st.container(key="wall-fresh-stale" if stale else "wall-fresh"):
                dot = ":red[●]" if stale else ":green[●]"
                # Stale: two short lines, so the alarm fits the header's right third at 1920 px.
                second = f"  \n{md_escape('数据源可能已中断' + demo)}" if stale else ""
                st.markdown(f"{dot} {md_escape(text + ('' if stale else demo))}{second}")
            render_alert_strip(data)
            if notice:
                with st.container(key="wall-notice"):
                    st.markdown(f":material/sync_problem: {md_escape(notice)}")


ALERT_MINUTES = 5   # the wall's 预警 counts are evaluated at most this often (the pages list them live)


def alert_call(today: Scope) -> tuple:
    """The cache call of the 预警 of a wall that is not the city view (by rule and level: rule_level_counts),
    evaluated once per ALERT_MINUTES: the refresh that re-evaluates takes longer, and the carousel must not
    skip a panel every minute for it."""
    moment = today.now_at.replace(minute=today.now_at.minute - today.now_at.minute % ALERT_MINUTES, second=0,
                                  microsecond=0)
    return "alerts", replace(today, now_at=moment), load_alerts(), load_signals()


def alert_strip_text(counts: dict[str, dict[str, int]]) -> str:
    """'预警 异动 红 1 · 超期 红 232 橙 44': each rule with its counts by level, as the overview's strip
    reads; never a name. One total per level added 232 long-overdue cases to one burst of reports and
    hid the burst. With no alert the line stays in its place and says so."""
    parts = [f"{rule} " + " ".join(f":{LEVEL_COLOURS[level]}[**{level} {n:,}**]" for level, n in levels.items())
             for rule, levels in counts.items()]
    return ":material/notifications_active: 预警 " + (" · ".join(parts) if parts else ":gray[无]")


def render_alert_strip(data: WallData | None) -> None:
    """The 预警 line under the freshness line of the header: a fixed place that hides no KPI."""
    if data is None:
        return
    with st.container(key="wall-alerts"):
        st.markdown(alert_strip_text(data.alert_counts))


def count_delta(today: int, before: int) -> str:
    """"+54（+41%）"; the percentage only against a base of 30 or more, where it means something."""
    diff = today - before
    if before < 30:
        return f"{diff:+,}"
    return f"{diff:+,}（{diff / before * 100:+.0f}%）"


def tone(change: float | None, higher_is_better: bool | None) -> str:
    """good / bad / flat: how the wall colours a change (flat when better or worse does not apply)."""
    if change is None or change == 0 or higher_is_better is None:
        return "flat"
    return "good" if (change > 0) == higher_is_better else "bad"


def render_tile(label: str, value: str, *, delta: str | None = None, change_tone: str = "flat",
                caption: str | None = None, key: str, alarm: bool = False) -> None:
    """A KPI tile; its container key carries the tone and alarm state for the wall's CSS."""
    with st.container(key=f"wall-tile-{change_tone}{'-alarm' if alarm else ''}-{key}"):
        st.metric(label, value, delta=delta, delta_color="off", delta_arrow="auto" if delta else "off")
        if caption:
            st.caption(md_escape(caption))


def render_kpis(data: WallData, city: CityConfig) -> None:
    """Today against yesterday up to the same time; this month against the same days of last month.
    Volumes (受理, 立案) are neither good nor bad; more closed cases and higher rates are good."""
    kpis = registry(city)
    pace, month, last = data.pace, data.month, data.last_month
    render_heading("今日", "较昨日同一时刻", key="today")
    cols = st.columns(2, gap="small")
    for i, (label, name, better) in enumerate([("受理", "accepted", None), ("立案", "filed", None),
                                                ("结案", "closed", True)]):
        now_n, before_n = int(pace[f"{name}_today"]), int(pace[f"{name}_yesterday"])
        with cols[i % 2]:
            render_tile(f"今日{label}", f"{now_n:,}", delta=count_delta(now_n, before_n),
                        change_tone=tone(now_n - before_n, better), key=f"today-{name}")
    with cols[1]:
        overdue = data.overdue_open
        render_tile("超期未处置", f"{overdue:,}", caption="此刻已超时限仍未结案", key="overdue", alarm=overdue > 0)
    disposal = kpis["disposal_rate"]
    pending = int(month[disposal.pending]) if disposal.pending else 0
    render_heading("本月", data.month_caption + (f" · 在办未到期 {pending:,} 件" if pending else ""), key="month")
    cols = st.columns(2, gap="small")
    for col, key in zip(cols, ["disposal_rate", "on_time_rate"]):
        kpi = kpis[key]
        num, den = int(month[kpi.numerator]), int(month[kpi.denominator])
        value = None if den == 0 else num / den
        prev_den = int(last[kpi.denominator])
        prev = None if prev_den == 0 else int(last[kpi.numerator]) / prev_den
        change = None if value is None or prev is None else value - prev
        with col:
            render_tile(f"本月{kpi.label}", "—" if value is None else rate_text(value, 1),
                        delta=None if change is None else points_text(change, 1),
                        change_tone=tone(change, kpi.higher_is_better),
                        caption=f"{num:,} / {den:,} 件",
                        key=f"month-{key}")
    for i, (label, column, better) in enumerate([("受理", "accepted_count", None), ("结案", "closed_count", True)]):
        now_n, before_n = int(month[column]), int(last[column])
        with cols[i]:
            render_tile(f"本月{label}", f"{now_n:,}", delta=count_delta(now_n, before_n),
                        change_tone=tone(now_n - before_n, better), key=f"month-{column}")


def hours_text(hours: float | None) -> str:
    if hours is None or pd.isna(hours):
        return "—"
    if hours < 1:
        return f"{hours * 60:.0f} 分钟"
    if hours < 48:
        return f"{hours:.1f} 小时"
    return f"{hours / 24:.0f} 天"


def minutes_text(minutes: float) -> str:
    minutes = max(0, int(minutes))
    if minutes < 120:
        return f"{minutes} 分钟"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} 小时"
    return f"{minutes / 1440:.0f} 天"


def render_people(data: WallData, min_count: int) -> None:
    p = data.people
    render_heading("党建引领 · 今日", "报到 · 志愿 · 吹哨", key="people")
    chips = [
        ("今日报到", count_text(p["checkins_today"], 0 < p["checkins_today"] < min_count, min_count), "人次", False),
        ("在岗志愿者", count_text(p["volunteers_on_duty"], 0 < p["volunteers_on_duty"] < min_count, min_count),
         "今日服务报到（去重）", False),
        ("吹哨未解决", f"{int(p['open_whistles']):,}",
         f"等待中位 {hours_text(p['whistle_wait_median_hours'])}", int(p["open_whistles"]) > 0),
        ("吹哨最长等待", hours_text(p["whistle_wait_max_hours"]), "自吹哨起", False),
        ("部门待报到", f"{int(p['calls_waiting']):,}", f"最长 {hours_text(p['call_wait_max_hours'])}",
         int(p["calls_waiting"]) > 0),
    ]
    for i, (col, (label, value, caption, alarm)) in enumerate(zip(st.columns(len(chips), gap="small"), chips)):
        with col, st.container(key=f"wall-chip{'-alarm' if alarm else ''}-{i}"):
            st.metric(label, value)
            st.caption(md_escape(caption))


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub table from already-escaped cell texts."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


STEP_COLOURS = {"close": "green", "cancel": "gray", "shelve": "gray", "not_filed": "gray", "report": "orange"}


def render_ticker(data: WallData, moment: datetime) -> None:
    render_heading("最新案件", "滚动更新 · 不含个人信息", key="ticker")
    rows = []
    for r in data.latest.itertuples():
        fresh = (moment - r.reported_at) <= timedelta(minutes=10)
        colour = STEP_COLOURS.get(r.step, "blue")
        rows.append([
            (":orange-badge[新] " if fresh else "") + f"{r.reported_at:%H:%M}",
            f"`{md_escape(r.case_no)}`",
            md_escape(r.category_name or "—"),
            md_escape(f"{r.district_name or ''} {r.street_name or ''}".strip() or "—"),
            f":{colour}[{md_escape(r.step_label)}]",
            md_escape(minutes_text(r.elapsed_minutes)),
        ])
    if rows:
        st.markdown(markdown_table(["时间", "案件编号", "问题", "区域", "环节", "历时"], rows))
    else:
        st.caption("今日暂无案件")


def render_trend(data: WallData) -> None:
    from charts.wall import hourly_trend

    total = int(data.hourly.accepted_count.sum())
    closed = int(data.hourly.closed_count.sum())
    render_heading("近24小时", f"受理 {total:,} · 结案 {closed:,} 件", key="trend")
    chart = {"theme": None, "height": "stretch", "config": {"displayModeBar": False, "staticPlot": True}}
    if data.current:   # every screen of the scope shows the same figure this minute: built once (ui/figures.py)
        figures.plotly_chart("wall_hourly", data.scopes.hours, (), lambda: hourly_trend(data.hourly), **chart)
    else:
        st.plotly_chart(hourly_trend(data.hourly), **chart)


def render_map(data: WallData, config: WallConfig) -> None:
    from charts.wall import wall_map

    render_heading("今日案件分布", "各区县今日受理", key="map")
    def build():
        return wall_map(data.districts, data.street_shapes, data.hotspots, view=data.view,
                        min_count=config.min_cell_count)

    if data.current:   # built and serialised once per (scope, snapshot, minute) and wall settings (ui/figures.py)
        figures.pydeck_chart("wall_map", data.scopes.today, (config.min_cell_count, config.hotspot_hours,
                                                              config.hotspot_cell_degrees), build, height="stretch")
    else:
        st.pydeck_chart(build(), height="stretch")
    with st.container(key="wall-map-stats"):
        shown = data.districts.dropna(subset=["accepted_count"])
        if len(shown) and shown.accepted_count.max() > 0:
            top = shown.sort_values(["accepted_count", "area_code"], ascending=[False, True]).iloc[0]
            st.metric("今日受理最多", str(top["name"]))
            st.caption(md_escape(f"{int(top.accepted_count):,} 件"))
        else:
            st.metric("今日受理最多", "—")
        hottest = int(data.hotspots.case_count.max()) if len(data.hotspots) else 0
        st.metric(f"近{config.hotspot_hours}小时热点", f"{len(data.hotspots)} 处")
        st.caption(md_escape(f"最热一格 {hottest} 件" if hottest else "暂无达到门槛的热点"))
    with st.container(key="wall-map-legend"):
        st.html(MAP_LEGEND_HTML)
        st.caption(md_escape(f"热点：每格约 {config.hotspot_cell_degrees * 111:.0f} 公里见方，"
                             f"近{config.hotspot_hours}小时不少于 {config.min_cell_count} 件；圆越大案件越多"))


def panel_now(config: WallConfig) -> tuple[str, int]:
    """The carousel's current panel and its index: by wall-clock time, so every screen in the hall
    shows the same panel at the same moment."""
    index = int(time.time() // config.carousel_seconds) % len(config.carousel)
    return config.carousel[index], index


def league_ends(ranked: pd.DataFrame, size: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(red list, black list) of a league in rank order: the first and the last `size` units, the
    black list worst first. With fewer than 2 × size ranked units each list takes its half (the red
    list the larger one), so no unit stands on both."""
    best_n = min(size, (len(ranked) + 1) // 2)
    worst_n = min(size, len(ranked) - best_n)
    return ranked.head(best_n), ranked.tail(worst_n).iloc[::-1]


def render_units(data: WallData, city: CityConfig, config: WallConfig) -> None:
    best, worst = league_ends(data.league[data.league.is_ranked])
    window = f"近{config.league_days}天按期结案率"

    def rows(frame: pd.DataFrame, colour: str) -> list[list[str]]:
        return [[f":{colour}[{int(r.rank)}]", md_escape(r.name), rate_text(r.on_time_rate, 1),
                 f"{int(r.due_count):,}"] for r in frame.itertuples()]

    with st.container(key="wall-lists"):
        render_heading("责任单位 红榜", window, key="best")
        if best.empty:
            st.caption("暂无达到排名门槛的单位")
        else:
            st.markdown(markdown_table(["名次", "单位", "按期结案率", "应结案"], rows(best, "red")))
        ranked_among = f"应结案≥{city.league_min_volume}件的单位"
        last = f"中最后{'一两三四五'[len(worst) - 1]}位" if len(worst) else ""   # league_ends lists five at most
        render_heading("责任单位 黑榜", ranked_among + last, key="worst")
        if worst.empty:
            st.caption("参与排名的单位不足两家，暂不列黑榜")
        else:
            st.markdown(markdown_table(["名次", "单位", "按期结案率", "应结案"], rows(worst, "gray")))


def render_categories(data: WallData, config: WallConfig) -> None:
    render_heading("今日高发问题", "按今日受理件数", key="categories")
    frame = data.categories
    if frame.empty:
        st.caption("今日暂无受理案件")
        return
    rows = [[f":blue[{i}]", md_escape(r.category_name), md_escape(r.major_name),
             count_text(r.case_count, r.case_count_suppressed, config.min_cell_count)]
            for i, r in enumerate(frame.itertuples(), start=1)]
    st.markdown(markdown_table(["序", "问题", "大类", "件数"], rows))


def render_districts(data: WallData, config: WallConfig) -> None:
    render_heading("各区县态势", f"今日受理 · 此刻超期 · 近{config.league_days}天按期结案率", key="districts")
    period = data.district_league[["area_code", "due_count", "due_on_time_count"]].rename(
        columns={"due_count": "period_due", "due_on_time_count": "period_on_time"})
    frame = data.districts.merge(period, on="area_code", how="left").sort_values("area_code")
    rows = []
    for r in frame.itertuples():
        # a rate over fewer cases than the minimum cell could single a case out: suppressed like a count
        rate = "—" if not r.period_due else f"<{config.min_cell_count}件" if r.period_due < config.min_cell_count \
            else percent_text(r.period_on_time, r.period_due, 1)
        rows.append([md_escape(r.name),
                     count_text(r.accepted_count, r.accepted_count_suppressed, config.min_cell_count),
                     f":orange[{count_text(r.overdue_open_count, r.overdue_open_count_suppressed, config.min_cell_count)}]",
                     rate])
    st.markdown(markdown_table(["区县", "今日受理", "超期未处置", "按期结案率"], rows))


def render_side(data: WallData, city: CityConfig, config: WallConfig) -> None:
    """Every configured panel is drawn at every refresh, in the same order, and CSS shows the one the
    marker names: a turn of the carousel swaps no elements, so nothing of the last panel lingers
    on screen while the fragment reruns."""
    panel, index = panel_now(config)
    drawers = {"units": lambda: render_units(data, city, config), "categories": lambda: render_categories(data, config),
               "districts": lambda: render_districts(data, config)}
    for name in config.carousel:
        with st.container(key=f"wall-side-{name}"):
            drawers[name]()
    with st.container(key=f"wall-side-show-{panel}"):
        if len(config.carousel) > 1:
            st.markdown(" ".join(":blue[●]" if i == index else ":gray[○]" for i in range(len(config.carousel))))
        else:  # no dots for one panel, but the marker must not be empty: the browser drops an empty container
            st.html('<span class="wall-carousel-single"></span>')
