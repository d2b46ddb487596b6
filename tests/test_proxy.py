"""Two dashboard processes behind the committed nginx config (deploy/nginx/zhzx-dashboard.conf):
WebSocket sessions through the proxy render pages with no error, sessions spread over both
processes, a browser keeps its process (route cookie), and the metrics endpoint is refused."""
from __future__ import annotations

import random
import shutil
import urllib.error
import urllib.request
from datetime import datetime

import pytest

from benchmarks.bench_load import plans_for, run_load
from deploy.cluster import NGINX, cluster, nginx_config
from tests.builders import add_cases, new_db
from tests.pagetools import publish_test_db

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which(NGINX) is None,
                                 reason="nginx (Debian package nginx or nginx-light) is not installed")]


def test_the_generated_config_lists_every_process_and_keeps_the_committed_rules(tmp_path):
    conf = nginx_config([9001, 9002, 9003], 9100, tmp_path)
    assert [line.split()[1] for line in conf.splitlines() if line.strip().startswith("server 127")] == \
        ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]
    assert "listen 127.0.0.1:9100;" in conf and "hash $zhzx_route consistent;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "location = /_stcore/metrics" in conf


def test_sessions_through_nginx_reach_both_processes_without_errors(tmp_path):
    con = new_db()
    add_cases(con, [dict(reported_at=datetime(2026, 11, d, 9), accepted_at=datetime(2026, 11, d, 9),
                         deadline_at=datetime(2026, 11, d + 3, 17), status="filed") for d in range(1, 20)])
    db = tmp_path / "proxy.duckdb"
    publish_test_db(con, db)
    con.close()
    env = {"DASHBOARD_DB": str(db), "DASHBOARD_NOW": "2026-11-23T10:00:00",
           "DASHBOARD_AUDIT_DIR": str(tmp_path / "audit")}
    with cluster(2, env=env, log_dir=tmp_path) as (url, servers, prefix):
        queries = ["range=last30", "range=month", "range=week&district=430902", "range=year&district=430903"]
        result = run_load(url, plans_for(8, 2, queries, random.Random(1)), think_s=0.2)
        assert result.errors == 0 and result.exceptions == [], result.exceptions
        assert result.views() == 16
        with urllib.request.urlopen(url + "/") as first:           # noqa: S310 - loopback
            cookie = first.headers["Set-Cookie"]
        assert cookie.startswith("zhzx_route=") and "HttpOnly" in cookie
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "/_stcore/metrics")         # noqa: S310 - loopback
        assert refused.value.code == 404
        # Each WebSocket session was routed by its own request id: both processes served some.
        streams = [line.split()[0] for line in (prefix / "access.log").read_text().splitlines()
                   if "/_stcore/stream" in line]
        assert len(streams) == 8 and len(set(streams)) == 2, streams
        # A browser that has the cookie keeps its process.
        request = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": cookie.split(";")[0]})
        for _ in range(6):
            urllib.request.urlopen(request).read()                   # noqa: S310 - loopback
        health = [line.split()[0] for line in (prefix / "access.log").read_text().splitlines()
                  if "/_stcore/health" in line][-6:]
        assert len(set(health)) == 1, health
