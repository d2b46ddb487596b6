"""The command hall has no internet: the project installs from a wheelhouse with no index at all.

The lock must pin every requirement (a fast check), and a wheelhouse built by
deploy/offline_bundle.py must install into an empty venv with `pip install --no-index
--require-hashes` and run the overview page and a server from it (slow: builds ~150 MB of wheels
from pip's cache and installs them).
"""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from deploy import offline_bundle
from tests.browser.harness import start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent


def test_lock_pins_every_requirement_at_its_version():
    assert offline_bundle.lock_problems() == []


def test_lock_check_names_a_requirement_the_lock_lacks(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("streamlit==1.67.0  # ui\nnew_package==2.0  # added without a lock\n")
    lock = tmp_path / "requirements.lock"
    lock.write_text("streamlit==1.67.0 --hash=sha256:" + "0" * 64 + "\n")
    assert offline_bundle.lock_problems(requirements, lock) == ["new-package==2.0 is not in requirements.lock"]
    lock.write_text("streamlit==1.66.0 --hash=sha256:" + "0" * 64 + "\nnew-package==2.0 --hash=sha256:" + "1" * 64 + "\n")
    assert offline_bundle.lock_problems(requirements, lock) == [
        "streamlit: requirements say 1.67.0, requirements.lock says 1.66.0"]


def _offline_env() -> dict[str, str]:
    """The environment without any pip configuration: no index, no extra find-links, no config file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env.pop("PYTHONPATH", None)
    return env


@pytest.mark.slow
def test_project_installs_and_runs_from_the_wheelhouse_with_no_index(tmp_path):
    wheelhouse = tmp_path / "wheelhouse"
    lock = tmp_path / "requirements.lock"
    subprocess.run([sys.executable, "-m", "deploy.offline_bundle", "build", "--out", str(wheelhouse),
                    "--lock", str(lock)], cwd=ROOT, check=True, capture_output=True)
    # The lock built now is the committed one, hashes aside (a wheel rebuilt from an sdist differs).
    built = {name: version for name, (version, _) in offline_bundle.lock_entries(lock).items()}
    committed = {name: version for name, (version, _) in offline_bundle.lock_entries().items()}
    assert built == committed

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    env = _offline_env()
    install = subprocess.run([python, "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheelhouse),
                              "--require-hashes", "-r", str(lock)], env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]

    db = tmp_path / "city.duckdb"
    seed = subprocess.run([python, "-m", "data.seed", "--cases", "3000", "--db", str(db)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert seed.returncode == 0, seed.stderr[-3000:]
    page = subprocess.run(
        [python, "-c",
         "from streamlit.testing.v1 import AppTest\n"
         "at = AppTest.from_file('dashboard.py', default_timeout=180)\n"
         "at.run()\n"
         "assert not at.exception, at.exception\n"
         "print(len(at.metric))"],
        cwd=ROOT, env=env | {"DASHBOARD_DB": str(db)}, capture_output=True, text=True, timeout=600)
    assert page.returncode == 0, page.stderr[-3000:]
    assert int(page.stdout.split()[-1]) >= 6   # the overview's KPI cards rendered

    server = start_server({"DASHBOARD_DB": str(db)}, tmp_path / "server.log", python=python, env=env)
    try:
        with urllib.request.urlopen(server.url + "/", timeout=10) as response:
            assert response.status == 200
            assert b"<div id=\"root\">" in response.read()
    finally:
        stop_server(server)


def test_the_default_install_needs_none_of_the_clickhouse_packages():
    """requirements.txt alone must run the dashboard (the README's first command): sqlglot, chdb and
    clickhouse-connect (requirements-clickhouse.txt) are imported only when a ClickHouse engine is chosen."""
    code = ("import sys\n"
            "sys.modules.update(sqlglot=None, chdb=None, clickhouse_connect=None)\n"  # import fails
            "import ui.cache, ui.app, queries.engines, reports.bulletin\n"
            "print(queries.engines.engine_name())\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "DASHBOARD_ENGINE"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split()[-1] == "duckdb"
