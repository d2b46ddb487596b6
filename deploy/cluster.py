"""Several dashboard processes behind nginx on this machine, for the proxy test and the load benchmark.

    python -m deploy.cluster --processes 2 --port 8080      # until Ctrl-C

Starts `processes` Streamlit servers on free loopback ports and nginx (Debian's /usr/sbin/nginx, as
an unprivileged process with its own prefix in a temporary folder) with the committed
deploy/nginx/zhzx-dashboard.conf, its upstream list and listen port rewritten for these ports. In
production the same file goes to /etc/nginx/conf.d/ and systemd runs the servers (docs/deploy.md).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from data.config import PROJECT_ROOT

NGINX_CONF = PROJECT_ROOT / "deploy" / "nginx" / "zhzx-dashboard.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
_SERVER_LINE = re.compile(r"^\s*server 127\.0\.0\.1:\d+[^\n]*\n", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_config(ports: list[int], listen: int, prefix: Path) -> str:
    """The whole nginx.conf for an unprivileged nginx: the committed server config with these
    upstream ports and this listen port, inside the events/http blocks it needs."""
    site = NGINX_CONF.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;\n" for p in ports)
    first = _SERVER_LINE.search(site)
    if first is None:
        raise ValueError(f"{NGINX_CONF} lists no upstream server")
    site = site[:first.start()] + servers + _SERVER_LINE.sub("", site[first.start():])
    site = re.sub(r"listen 8080;", f"listen 127.0.0.1:{listen};", site)
    temp = prefix / "tmp"
    return f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format upstream '$upstream_addr "$request" $status';
    access_log {prefix}/access.log upstream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""


def wait_http(url: str, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:   # noqa: S310 - loopback only
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s")
        time.sleep(0.3)


@contextmanager
def cluster(processes: int, *, listen: int | None = None, env: dict[str, str] | None = None,
            log_dir: Path | None = None) -> Iterator[tuple[str, list[subprocess.Popen], Path]]:
    """(proxy URL, the server processes, nginx prefix folder); everything is stopped on exit."""
    listen = listen or free_port()
    prefix = Path(tempfile.mkdtemp(prefix="zhzx-nginx-"))
    (prefix / "tmp").mkdir()
    log_dir = log_dir or prefix
    ports = [free_port() for _ in range(processes)]
    servers: list[subprocess.Popen] = []
    nginx = None
    try:
        for port in ports:
            log = open(log_dir / f"streamlit-{port}.log", "w")
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                cwd=PROJECT_ROOT, env=os.environ | (env or {}), stdout=log, stderr=subprocess.STDOUT))
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/_stcore/health")
        (prefix / "nginx.conf").write_text(nginx_config(ports, listen, prefix), encoding="utf-8")
        nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=open(prefix / "nginx.stderr", "w"))
        wait_http(f"http://127.0.0.1:{listen}/_stcore/health", 30)
        yield f"http://127.0.0.1:{listen}", servers, prefix
    finally:
        for proc in ([nginx] if nginx else []) + servers:
            proc.send_signal(signal.SIGTERM)
        for proc in ([nginx] if nginx else []) + servers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(prefix, ignore_errors=True) if log_dir != prefix else None


def main() -> None:
    parser = argparse.ArgumentParser(description="几个看板进程 + nginx（本机测试用）")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    with cluster(args.processes, listen=args.port) as (url, servers, _):
        print(f"{url} -> {len(servers)} Streamlit processes (pids {[s.pid for s in servers]}); Ctrl-C stops")
        try:
            while all(s.poll() is None for s in servers):
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
