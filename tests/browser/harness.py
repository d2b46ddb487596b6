"""Browser-test harness: a real Streamlit server on localhost and Debian's Chromium via Playwright.

Every request the page makes is recorded; tests assert none goes to a host other than localhost.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DOCS = ROOT / "docs"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", "--use-gl=swiftshader",
                 "--enable-unsafe-swiftshader"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_server(env_extra: dict[str, str], log_path: Path, *, script: str = "dashboard.py",
                 port: int | None = None, python: str = sys.executable,
                 env: dict[str, str] | None = None, extra_args: tuple[str, ...] = ()) -> Server:
    """A Streamlit server on 127.0.0.1; `python` may be another interpreter (e.g. an offline venv's),
    `env` replaces the inherited environment (then `env_extra` is added to it); `extra_args` are
    further `streamlit run` options (e.g. --secrets.files)."""
    port = port or free_port()
    env = (os.environ if env is None else env) | env_extra
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [python, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", *extra_args],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(url, proc, log_path)
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f"streamlit did not start:\n{log_path.read_text(errors='replace')}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@dataclass
class RequestLog:
    urls: list[str] = field(default_factory=list)

    def foreign_hosts(self) -> set[str]:
        hosts = set()
        for u in self.urls:
            parsed = urlparse(u)
            if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
                continue
            if parsed.hostname not in LOCAL_HOSTS:
                hosts.add(parsed.hostname or u[:60])
        return hosts


@contextmanager
def browser_page(*, width: int = 1920, height: int = 1080, scale: float = 1.0):
    """Yields (page, request_log). Requests to other hosts are recorded and then aborted, so a
    test fails on them instead of hanging on the closed network."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale,
                                      locale="zh-CN", timezone_id="Asia/Shanghai")
        log = RequestLog()

        def route(route_obj):
            url = route_obj.request.url
            log.urls.append(url)
            host = urlparse(url).hostname
            if host in LOCAL_HOSTS or url.startswith(("data:", "blob:")):
                route_obj.continue_()
            else:
                route_obj.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("websocket", lambda ws: log.urls.append(ws.url))
        try:
            yield page, log
        finally:
            context.close()
            browser.close()


def wait_for_app(page, *, timeout_ms: int = 60000, quiet_ms: int = 1500) -> None:
    """Waits until Streamlit has finished running the script and drawn what it ran.

    Streamlit's own end-to-end tests read the same attributes: the app root carries
    data-test-script-state ("initial", "running", "notRunning", "rerunRequested", ...) and
    data-test-connection-state. The state must have been "notRunning" for `quiet_ms` (a script that
    calls st.rerun() passes through "notRunning" between its runs), something must be drawn in the
    main block, and no element may still be a loading skeleton."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout_ms)
    # The quiet period starts anew on every call: a mark left by the previous call on this page made a wait
    # right after a click return at once, before the rerun the click asked for had started (a case list's
    # row click: the URL had its ?case= and the list was still drawn).
    page.evaluate("() => { window.__appIdleSince = null; }")
    page.wait_for_function(
        """(quietMs) => {
             const app = document.querySelector('[data-testid="stApp"]');
             const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
                          && app.getAttribute('data-test-connection-state') === 'CONNECTED';
             const shown = document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]').length > 0;
             const loading = document.querySelector('[data-testid="stSkeleton"]');
             if (!idle || !shown || loading) { window.__appIdleSince = null; return false; }
             window.__appIdleSince = window.__appIdleSince || Date.now();
             return Date.now() - window.__appIdleSince >= quietMs;
           }""", arg=quiet_ms, polling=200, timeout=timeout_ms)


def picture_path(name: str) -> Path:
    """Where a test saves a picture the README shows: docs/ with UPDATE_DOCS_SCREENSHOTS=1 (see
    tests/browser/conftest.py for the database they are taken on), else test-artifacts/, so that a
    test run never changes tracked files."""
    target = DOCS if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else ARTIFACTS
    target.mkdir(parents=True, exist_ok=True)
    return target / name


def full_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its own container: grow the viewport to the content first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate('() => document.querySelector(\'[data-testid="stMain"]\').scrollHeight')
    vp = page.viewport_size
    page.set_viewport_size({"width": vp["width"], "height": max(vp["height"], int(height))})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(vp)
