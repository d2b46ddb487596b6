"""A real OIDC round trip, offline: a local mock provider (oidc-provider-mock) on 127.0.0.1,
Streamlit's st.login configured against it, sign-in through headless Chromium, and the user
landing with exactly the scope of the authorisation table — a district user's 总览 and a bureau's
案件 (the pictures in docs/security.md)."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from tests.browser.harness import (ARTIFACTS, browser_page, full_screenshot, picture_path, start_server,
                                   stop_server, wait_for_app)

DISTRICT_USER = "zhangsan@yiyang.gov.cn"
BUREAU_USER = "chengguan@yiyang.gov.cn"
OUTSIDER = "stranger@yiyang.gov.cn"


@pytest.fixture(scope="module")
def provider():
    """The mock OpenID provider on 127.0.0.1 with three users and their claims."""
    import werkzeug.serving
    from oidc_provider_mock import app
    from oidc_provider_mock._storage import User

    users = [User(sub=DISTRICT_USER, claims={"email": DISTRICT_USER, "name": "张三"}),
             User(sub=BUREAU_USER, claims={"email": BUREAU_USER, "name": "李四"}),
             User(sub=OUTSIDER, claims={"email": OUTSIDER, "name": "王五"})]
    server = werkzeug.serving.make_server("127.0.0.1", 0, app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def oidc_server(provider, app_env, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("oidc")
    authz = tmp / "authz.csv"
    authz.write_text("kind,id,role,scope,name,status,updated_at,note\n"
                     f"user,{DISTRICT_USER},区县,430902,张三,active,,\n"
                     f"user,{BUREAU_USER},责任单位,C006,李四,active,,\n", encoding="utf-8")
    from tests.browser.harness import free_port

    port = free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "test-cookie-secret-not-for-production-0123456789"
client_id = "dashboard"
client_secret = "dashboard-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""", encoding="utf-8")
    from data.config import published_path

    (tmp / "db").symlink_to(published_path(Path(app_env["DASHBOARD_DB"])))
    srv = start_server(app_env | {"DASHBOARD_AUTH": "oidc", "DASHBOARD_AUTHZ": str(authz),
                                  "DASHBOARD_AUDIT_DIR": str(tmp / "audit")},
                       ARTIFACTS / "server-oidc.log", port=port, extra_args=("--secrets.files", str(secrets)))
    yield srv, tmp
    stop_server(srv)


def app_env_db(oidc_server) -> Path:
    return oidc_server[1] / "db"


def expected_total(link: Path) -> int:
    """The bureau's cases reported in the default window, from the published snapshot."""
    import duckdb

    con = duckdb.connect(str(link.resolve()), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM cases WHERE unit_code = 'C006' AND reported_at >= '2026-10-25' "
                           "AND reported_at < '2026-11-24'").fetchone()[0]
    finally:
        con.close()


def sign_in(page, server_url: str, user: str) -> None:
    page.goto(server_url)
    wait_for_app(page)
    page.get_by_role("button", name="统一身份认证登录").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30000)
    page.get_by_placeholder("sub").fill(user)
    page.get_by_role("button", name="Authorize").first.click()
    page.wait_for_url(f"{server_url}/**", timeout=30000)
    wait_for_app(page)


def foreign_after(requests, start: int) -> set[str]:
    """Hosts other than this machine asked for after `start` (the mock provider's own form pulls a
    stylesheet from a CDN; the dashboard must not)."""
    from tests.browser.harness import RequestLog

    return RequestLog(requests.urls[start:]).foreign_hosts()


def sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def test_sign_in_page_shows_nothing_of_the_data(oidc_server):
    srv, _ = oidc_server
    with browser_page() as (page, requests):
        page.goto(srv.url)
        wait_for_app(page)
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "请先登录" in body and "统一身份认证登录" in body
        assert "受理" not in body and "资阳区" not in body
        page.screenshot(path=str(picture_path("security-sign-in.png")))
        assert requests.foreign_hosts() == set()


def test_a_district_user_signs_in_and_sees_only_their_district(oidc_server):
    srv, tmp = oidc_server
    with browser_page() as (page, requests):
        sign_in(page, srv.url, DISTRICT_USER)
        landed = len(requests.urls)
        side = sidebar_text(page)
        assert "张三" in side and "区县：资阳区" in side
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "资阳区社会治理总览" not in main  # the title names the city, the scope is in the sidebar
        for other in ("赫山区", "南县", "桃江县", "安化县", "沅江市"):
            assert other not in main and other not in side, other
        # the 区县 picker offers only their district
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
        options = page.locator('[role="option"]').all_inner_texts()
        assert options == ["全部区县", "资阳区"], options
        page.keyboard.press("Escape")
        full_screenshot(page, picture_path("security-district-overview.png"))
        # a leader's link naming another district shows the user's own data with a notice
        page.goto(f"{srv.url}/?district=430903")
        wait_for_app(page)
        assert "不在可选范围内" in page.locator('[data-testid="stSidebar"]').inner_text()
        # the admin pages are not in the menu and refuse when opened directly
        assert "数据导入" not in sidebar_text(page)
        page.goto(f"{srv.url}/imports")
        wait_for_app(page)
        assert "仅对管理员开放" in page.locator('[data-testid="stMain"]').inner_text()
        assert foreign_after(requests, landed) == set()


def test_a_bureau_sees_only_the_cases_dispatched_to_it(oidc_server):
    srv, _ = oidc_server
    with browser_page() as (page, _requests):
        sign_in(page, srv.url, BUREAU_USER)
        assert "责任单位：市市场监督管理局" in sidebar_text(page)
        page.goto(f"{srv.url}/cases")
        wait_for_app(page)
        table = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
        table.wait_for(timeout=30000)
        full_screenshot(page, picture_path("security-bureau-cases.png"))
        main = page.locator('[data-testid="stMain"]').inner_text()
        listed = re.search(r"共 ([0-9,]+) 件", main)
        assert listed and expected_total(app_env_db(oidc_server)) == int(listed.group(1).replace(",", ""))
        for other in ("市园林绿化中心", "市公安局交警支队", "赫山区城管局"):   # units with cases in the window
            assert other not in main, other


def test_a_signed_in_user_without_a_row_sees_nothing_and_whom_to_ask(oidc_server):
    srv, _ = oidc_server
    with browser_page() as (page, _requests):
        sign_in(page, srv.url, OUTSIDER)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "尚未授权" in main and "请联系" in main
        assert "受理" not in main
