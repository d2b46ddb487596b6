"""Who is asking, and what they may see: the sign-in mode, the identity, its grant from the local
authorisation table (data/authz.py), and which pages its role may open. Resolved on every run.

Modes ($DASHBOARD_AUTH; docs/security.md):
  (unset)  OIDC when .streamlit/secrets.toml has an [auth] section; else the demo identity on the
           demo database; else the page refuses to serve (a real database needs a sign-in).
  oidc     st.login against the city's provider; the table maps the sign-in id and groups.
  proxy    an authenticating reverse proxy overwrites a trusted header with the user (and groups);
           trusted only in this mode, and only with the shared secret header when one is configured.
  none     a single-user desk: everything, no sign-in; logged at start and shown on every page.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from data import authz
from queries.scope import Access

LOG = logging.getLogger(__name__)

ADMIN_PAGES = ("pages/imports.py", "pages/audit.py")
WALL_PAGE = "pages/wall.py"
DEFAULT_USER_HEADER = "X-Remote-User"
DEFAULT_GROUPS_HEADER = "X-Remote-Groups"
SECRET_HEADER = "X-Dashboard-Proxy-Secret"
_desk_logged = [False]


@dataclass(frozen=True)
class Session:
    """This run's identity and grant. `access` keys every cache; `user_id` and `client_ip` go to
    the audit trail only (two users with the same grant share cached results)."""

    mode: str                        # demo | desk | oidc | proxy
    role: str | None                 # authz role key, "demo" or "desk"; None when refused
    access: Access
    user_id: str | None = None
    display_name: str = ""
    client_ip: str | None = None
    refusal: str | None = None       # Chinese: why this identity sees nothing, and whom to ask
    reason: str | None = None

    @property
    def role_name(self) -> str:
        return authz.ROLE_NAMES.get(self.role or "", "无")


def auth_mode() -> str:
    raw = os.environ.get("DASHBOARD_AUTH", "").strip().lower()
    if raw in ("oidc", "proxy", "none"):
        return raw
    if raw:
        return "invalid"
    return "oidc" if oidc_configured() else "auto"


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one: not configured
        return False


def _provider() -> str | None:
    """The provider name for st.login: None for a single [auth] provider, else $DASHBOARD_OIDC_PROVIDER
    or the first [auth.NAME] section."""
    section = st.secrets["auth"]
    if "client_id" in section:
        return None
    named = [k for k in section if isinstance(section[k], dict) or hasattr(section[k], "keys")]
    return os.environ.get("DASHBOARD_OIDC_PROVIDER") or (named[0] if named else None)


def _headers() -> dict[str, str]:
    try:
        return {k.lower(): v for k, v in (st.context.headers or {}).items()}
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest): no headers
        return {}


def client_ip(mode: str) -> str | None:
    """The client's address; behind the proxy (and only then) from the header the proxy sets."""
    if mode == "proxy":
        headers = _headers()
        forwarded = headers.get("x-real-ip") or (headers.get("x-forwarded-for") or "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001
        return None
    return address[:64] if isinstance(address, str) else None


def _list(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip())[:200]


def logged_in() -> bool:
    try:
        return bool(st.user.get("is_logged_in", False))
    except Exception:  # noqa: BLE001 - no user information in this context (bare mode, AppTest)
        return False


def oidc_identity() -> authz.Identity | None:
    if not logged_in():
        return None
    claims = st.user.to_dict()
    claim = os.environ.get("DASHBOARD_OIDC_USER_CLAIM", "email")
    user_id = claims.get(claim) or claims.get("preferred_username") or claims.get("sub")
    groups = claims.get(os.environ.get("DASHBOARD_OIDC_GROUPS_CLAIM", "groups")) or ()
    groups = _list(groups) if isinstance(groups, str) else tuple(str(g) for g in groups)[:200]
    district = claims.get(os.environ.get("DASHBOARD_OIDC_DISTRICT_CLAIM", "district"))
    district_claim = None if district is None else (
        _list(district) if isinstance(district, str) else tuple(str(d) for d in district))
    return authz.Identity(str(user_id) if user_id else None, str(claims.get("name") or ""), groups,
                          district_claim, "oidc")


def proxy_identity() -> authz.Identity | None:
    headers = _headers()
    secret = os.environ.get("DASHBOARD_PROXY_SECRET")
    if secret and headers.get(SECRET_HEADER.lower()) != secret:
        return None
    user = headers.get(os.environ.get("DASHBOARD_PROXY_USER_HEADER", DEFAULT_USER_HEADER).lower(), "").strip()
    if not user:
        return None
    groups = _list(headers.get(os.environ.get("DASHBOARD_PROXY_GROUPS_HEADER", DEFAULT_GROUPS_HEADER).lower()))
    return authz.Identity(user[:200], "", groups, None, "proxy")


def access_of(grant: authz.Grant) -> Access:
    if grant.role is None or not (grant.has_data or grant.role == "admin"):
        return Access(label=grant.label or "无数据权限")
    return Access(all_districts=grant.all_districts, districts=grant.districts, streets=grant.streets,
                  units=grant.units, admin=grant.role == "admin", label=grant.label)


def resolve_session(mode: str, identity: authz.Identity | None, known: authz.Known) -> Session:
    """The session for a signed-in (or refused) identity: the table is re-read if it changed."""
    grant = authz.resolve(identity, authz.load_table(), known)
    return Session(mode, grant.role, access_of(grant), identity.user_id if identity else None,
                   identity.name if identity else "", client_ip(mode), grant.refusal, grant.reason)


def demo_session() -> Session:
    return Session("demo", "demo", Access.demo(), user_id="demo", client_ip=client_ip("demo"))


def desk_session() -> Session:
    if not _desk_logged[0]:
        LOG.warning("DASHBOARD_AUTH=none: sign-in is off; every visitor sees every district and the admin pages")
        _desk_logged[0] = True
    access = Access(all_districts=True, admin=True, label="单用户模式：未启用登录，可查看全部数据")
    return Session("desk", "desk", access, user_id="desk", client_ip=client_ip("desk"))


def page_allowed(session: Session, page: str) -> bool:
    role = session.role
    if role in ("demo", "desk"):
        return True
    if role is None:
        return False
    if role == "wall":
        return page == WALL_PAGE
    if page in ADMIN_PAGES:
        return role == "admin"
    if role == "admin":
        return not session.access.sees_nothing
    return True


def page_refusal(session: Session) -> str:
    if session.role == "wall":
        return "大屏账号只能打开指挥大屏。"
    if session.role == "admin":
        return "管理员账号未授权查看业务数据，只能使用数据导入与访问审计。"
    return "该页面仅对管理员开放。"


# ───────────────────────── the gate every page passes first ─────────────────────────

def _stop(text: str, *, icon: str = ":material/lock:", sign_out: bool = False) -> None:
    st.error(text, icon=icon)
    if sign_out and logged_in():
        st.button("退出登录", icon=":material/logout:", on_click=st.logout, key="auth_logout_refused")
    st.stop()


def render_sign_in(centre_name: str) -> None:
    """The sign-in screen of OIDC mode: nothing of the data, one button to the city's provider."""
    st.title(centre_name)
    st.subheader("请先登录")
    st.write("本系统数据仅向授权人员开放。点击下方按钮，通过统一身份认证登录；登录后按授权范围显示数据。")
    provider = _provider()
    if st.button("统一身份认证登录", icon=":material/login:", type="primary", key="auth_login"):
        st.login(provider) if provider else st.login()
    st.caption("没有账号或无法登录？请联系" + authz.contact() + "。")


@dataclass(frozen=True)
class Verdict:
    """What the gate decided for this run: `outcome` ok | sign_in | refused | page."""

    outcome: str
    session: Session | None = None
    message: str | None = None


REAL_DB_WITHOUT_SIGN_IN = ("本系统连接的是正式数据库，但尚未配置登录，为保护数据暂不提供服务。请管理员按 docs/security.md "
                           "配置统一身份认证（.streamlit/secrets.toml 的 [auth]）或认证网关（DASHBOARD_AUTH=proxy）；"
                           "单人单机使用可设置 DASHBOARD_AUTH=none（会记录并在每页显示）。")


def evaluate(page: str, *, is_demo_db: Callable[[], bool], known: Callable[[], authz.Known]) -> Verdict:
    """Decides without drawing anything (the wall re-checks on every refresh with this).
    `is_demo_db` and `known` read the database only when the mode needs them."""
    mode = auth_mode()
    if mode == "invalid":
        return Verdict("refused", message="登录方式配置有误：环境变量 DASHBOARD_AUTH 只能是 oidc、proxy 或 none。请联系"
                       + authz.contact() + "。")
    if mode == "auto":
        if not is_demo_db():
            LOG.error("refusing to serve a non-demo database without sign-in (set up OIDC or DASHBOARD_AUTH)")
            return Verdict("refused", message=REAL_DB_WITHOUT_SIGN_IN)
        session = demo_session()
    elif mode == "none":
        session = desk_session()
    elif mode == "oidc":
        if not oidc_configured():
            return Verdict("refused", message="已设置 DASHBOARD_AUTH=oidc，但 .streamlit/secrets.toml 中没有 [auth] 配置。"
                           "请联系" + authz.contact() + "。")
        identity = oidc_identity()
        if identity is None:
            return Verdict("sign_in")
        session = resolve_session(mode, identity, known())
    else:
        identity = proxy_identity()
        if identity is None:
            return Verdict("refused", message="未通过统一认证网关访问，无法确认身份。请从单位内网门户进入本系统；"
                           "如仍有问题，请联系" + authz.contact() + "。")
        session = resolve_session(mode, identity, known())
    if session.refusal:
        return Verdict("refused", session, session.refusal)
    if not page_allowed(session, page):
        return Verdict("page", session, page_refusal(session))
    return Verdict("ok", session)


def require_session(page: str, *, centre_name: str, is_demo_db: Callable[[], bool],
                    known: Callable[[], authz.Known]) -> Session:
    """The session of this run, or the page stops here with a Chinese message (fail closed):
    sign-in needed, not authorised (whom to ask), page not open to the role, or a real database
    served with no sign-in configured."""
    verdict = evaluate(page, is_demo_db=is_demo_db, known=known)
    remember(verdict.session)
    if verdict.outcome == "sign_in":
        render_sign_in(centre_name)
        st.stop()
    if verdict.outcome == "refused":
        _stop(verdict.message, sign_out=True)
    if verdict.outcome == "page":
        st.warning(verdict.message, icon=":material/lock:")
        if verdict.session.role == "wall":
            st.page_link(WALL_PAGE, label="打开指挥大屏", icon=":material/tv:")
        st.stop()
    return verdict.session


def last_good(key: str, read: Callable[[], object], default: object) -> Callable[[], object]:
    """`read` as a lazy callable that falls back to this session's last value when the database
    is briefly unreadable (the identity and the table are still checked), else to `default`."""
    def value():
        try:
            result = read()
        except Exception:  # noqa: BLE001 - a read failure is shown by the page itself
            return st.session_state.get(key, default)
        st.session_state[key] = result
        return result
    return value


def current() -> Session | None:
    """The session that this run's gate established (None before the gate ran)."""
    return st.session_state.get("_auth_session")


def remember(session: Session | None) -> None:
    st.session_state["_auth_session"] = session
