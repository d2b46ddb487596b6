"""Shared page frame: page config, the demo database on first start, the Chinese menu, the
identity's access, the sidebar filters and the freshness line. Every page starts with setup_page().
"""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from data.config import PROJECT_ROOT, db_path, load_city, published_path
from data.store import SCHEMA_VERSION
from queries.kpis import apply_rules
from queries.scope import Access, Scope
from ui import alert_ticker, audit, auth, cache, filters, heap
from ui.clock import now
from ui.export import remember_page_context
from ui.text import md_escape

FAVICON = str(PROJECT_ROOT / "ui" / "static" / "favicon.png")

# (page file, menu label, icon). A page appears in the menu only when its file exists.
MENU = [
    ("dashboard.py", "总览", ":material/dashboard:"),
    ("pages/map.py", "地图", ":material/map:"),
    ("pages/trends.py", "趋势", ":material/trending_up:"),
    ("pages/league.py", "排行榜", ":material/leaderboard:"),
    ("pages/cases.py", "案件", ":material/list_alt:"),
    ("pages/party.py", "党建·志愿", ":material/volunteer_activism:"),
    ("pages/signals.py", "预警研判", ":material/notifications_active:"),
    ("pages/bulletin.py", "通报", ":material/article:"),
    ("pages/definitions.py", "口径说明", ":material/menu_book:"),
    ("pages/imports.py", "数据导入", ":material/upload_file:"),
    ("pages/audit.py", "访问审计", ":material/policy:"),     # 管理员 only (ui/auth.py ADMIN_PAGES)
    ("pages/wall.py", "指挥大屏", ":material/tv:"),
]

BASE_CSS = """
<style>
[data-testid="stMetricValue"] { font-variant-numeric: tabular-nums; }
div.block-container { padding-top: 2.6rem; padding-bottom: 1rem; max-width: 100%; }
[data-testid="stSidebarHeader"] { height: 0.5rem; min-height: 0.5rem; }
</style>
"""


def ensure_database() -> None:
    """Builds the demo database on first start, with progress on screen; publishes it if needed,
    and again when the snapshot was published by an older version of the code (SCHEMA_VERSION)."""
    published = published_path(db_path())
    if _recovered_at_start() and published.exists():
        cache.repin()   # the start published what a killed writer had committed: read that
    if published.exists():
        # Only from the writers' own file: publishing a missing one would replace the data with nothing.
        if cache.meta().get("schema_version") != SCHEMA_VERSION and db_path().exists():
            with st.status("数据库来自旧版本：正在升级数据结构并重新发布……", expanded=False) as status:
                ok = _republish()
                cache.repin()   # this run published the upgraded snapshot: read it, not the old one
                status.update(label="数据库已升级" if ok else "另一个写入任务正在进行，稍后刷新页面即可",
                              state="complete" if ok else "error")
        return
    from data import seed

    db = db_path()
    with st.status("首次启动：正在生成示例数据库（益阳市，合成数据），约需半分钟……", expanded=True) as status:
        if db.exists():
            _republish()
        else:
            seed.build(db, n_cases=None, seed=20261123, today=now().date(), progress=status.write)
        status.update(label="示例数据库已生成", state="complete", expanded=False)
    cache.repin()


@st.cache_resource(show_spinner=False)
def _recovered_at_start() -> bool:
    """Once per server process: publishes commits a killed writer left unpublished and restores
    missing landing-manifest lines (data.ingest.run.recover); True when it published."""
    from data.ingest.run import recover

    try:
        return recover(db_path()).published
    except Exception:  # noqa: BLE001 - a start must not fail on it; the next writer publishes anyway
        import logging
        logging.getLogger(__name__).exception("start-up recovery failed")
        return False


def _republish() -> bool:
    """Publishes the writers' database again (schema brought up to date, derived columns set);
    False when another writer kept it busy for a minute."""
    from data.store import WriterBusy, writer

    try:
        with writer(db_path(), wait_seconds=60, touch_meta=None):
            pass
    except WriterBusy:
        return False
    return True


def current_session(page_file: str) -> auth.Session:
    """This run's identity and grant (ui/auth.py), or the page stops with the reason. The demo
    identity only on the demo database with no sign-in configured, and it says so on screen
    (security.md rule 2: the only exception to failing closed)."""
    return auth.require_session(page_file, centre_name=load_city().centre_name, **gate_sources())


def gate_sources() -> dict:
    """What the gate reads from the database, lazily; fail closed (not demo, no codes) if never read."""
    from data.authz import Known

    return {"is_demo_db": auth.last_good("_auth_is_demo", lambda: cache.meta().get("is_demo") == "true", False),
            "known": auth.last_good("_auth_known", cache.known_codes, Known())}


def current_access(page_file: str | None = None) -> Access:
    """The access of this run's gate (setup_page passes its page; later calls reuse the result)."""
    if page_file is None and auth.current() is not None:
        return auth.current().access
    return current_session(page_file or "dashboard.py").access


def freshness_text(meta: dict[str, str], moment: datetime, stale_minutes: int = 30) -> tuple[str, bool]:
    """('数据更新于 N 分钟前', is_stale) from the last write time of any writer; stale past
    `stale_minutes` (the wall uses its own, shorter threshold)."""
    try:
        written_at = datetime.fromisoformat(meta.get("last_write_at") or "")
    except ValueError:
        return "数据更新时间未知", True
    minutes = max(0, int((moment - written_at).total_seconds() // 60))
    if minutes < 1:
        return "数据更新于 1 分钟内", False
    if minutes < 120:
        return f"数据更新于 {minutes} 分钟前", minutes > stale_minutes
    return f"数据更新于 {written_at:%m月%d日 %H:%M}", True


def render_menu(current: str, query_params: dict[str, str] | None = None) -> None:
    """The Chinese menu; links carry the current filters so the view follows to the next page."""
    city = load_city()
    name = cache.meta().get("city_name", city.name)  # an imported city names itself
    st.markdown(f"### {md_escape(city.centre_name if name == city.name else name + '社会治理指挥中心')}")
    # Streamlit knows the pages only when pages/ holds at least one page (its multipage mode).
    if not any((PROJECT_ROOT / "pages").glob("*.py")):
        return
    session = auth.current()
    for path, label, icon in MENU:
        if (PROJECT_ROOT / path).exists() and (session is None or auth.page_allowed(session, path)):
            st.page_link(path, label=label, icon=icon, disabled=(path == current), query_params=query_params or None)
    st.divider()


def setup_page(title: str, page_file: str, *, show_area_filter: bool = True,
               page_params: tuple[str, ...] | None = None) -> Scope:
    """Call first on every page: returns the Scope this session may see, as the user filtered it.
    `page_params`: the page's own URL parameter names (see filters.render_choice); when given, any
    other unknown parameter in the URL is reported and dropped."""
    heap.freeze_imports()   # once per process: full collections then skip the imported modules (ui/heap.py)
    city = load_city()
    st.set_page_config(page_title=f"{title} · {city.centre_name}", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="expanded")
    st.html(BASE_CSS)
    ensure_database()
    alert_ticker.keep_running()   # the city's 预警 each minute on a thread of its own (ui/alert_ticker.py)
    access = current_access(page_file)
    menu = st.sidebar.container()
    scope = filters.render_filters(access, show_area=show_area_filter,
                                   exclude_shelved=city.exclude_shelved_from_filed,
                                   exclude_deferred=city.exclude_deferred_from_due,
                                   page=page_file, page_params=page_params)
    with menu:
        render_menu(page_file, filters.filter_params())
    st.sidebar.divider()
    meta = cache.meta()
    text, stale = freshness_text(meta, now())
    st.sidebar.caption(f":{'red' if stale else 'green'}[●] {text}")
    render_identity(access)
    if meta.get("is_demo") == "true":
        st.sidebar.caption("示例数据：街道、社区、网格边界与全部记录均为合成数据")
    if cache.reader().last_error:
        st.warning(cache.reader().last_error, icon=":material/sync_problem:")
    render_calendar_warning(scope)
    scope = apply_rules(scope, city)
    audit.remember_page(page_file, scope)
    remember_page_context(title, scope)   # every download of this run says page, period, filters
    return scope


def render_identity(access: Access) -> None:
    """Who is signed in and what they may see, on every page; sign-out in OIDC mode."""
    session = auth.current()
    who = "" if session is None or session.mode in ("demo", "desk") else \
        f"{md_escape((session.display_name or session.user_id or '')[:40])} · "
    st.sidebar.caption(f":material/shield_person: {who}{md_escape(access.label)}")
    if session is not None and session.mode == "desk":
        st.sidebar.caption(":orange[:material/no_accounts: 单用户模式：未启用登录，任何能访问本机的人都可查看全部数据"
                           "（部署时选择了免登录，见部署文档）]")
    if session is not None and session.mode == "oidc":
        st.sidebar.button("退出登录", icon=":material/logout:", on_click=st.logout, key="auth_logout")


def calendar_warning(years: tuple[int, ...]) -> str | None:
    """The visible notice when the data relies on a year with no published holiday schedule (statutory
    fallback). Chinese only: where the operator adds the schedule is in docs (the calendar override file)."""
    text = cache.calendar().warning_text(years)
    if not text:
        return None
    return (f"{text}：该年的调休上班日与补假安排按周一至周五计算，期限与工作时可能相差一两天。"
            "国务院公布该年放假安排后，请系统管理员补充到节假日补充表。")


def render_calendar_warning(scope: Scope) -> None:
    text = calendar_warning(cache.data_years(scope))
    if text:
        st.warning(text, icon=":material/event_busy:")
