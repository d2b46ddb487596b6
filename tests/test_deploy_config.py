"""The shipped .streamlit/config.toml is the production profile of security.md rule 8.

Each setting is read from the file as shipped, and every key must be an option Streamlit knows
(a misspelt key such as `enableCors` is silently ignored by Streamlit and would leave CORS off).
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def test_every_key_is_an_option_streamlit_knows(shipped):
    unknown = [f"{section}.{key}" for section, values in shipped.items() for key in values
               if f"{section}.{key}" not in st_config._config_options_template]
    assert unknown == []


@pytest.mark.parametrize("option, expected", [
    ("server.address", "127.0.0.1"),          # loopback: only the reverse proxy reaches it
    ("server.enableXsrfProtection", True),
    ("server.enableCORS", True),              # off would accept WebSockets from any origin
    ("server.enableStaticServing", False),
    ("server.headless", True),
    ("client.showErrorDetails", "none"),     # no tracebacks or paths on screen
    ("client.toolbarMode", "viewer"),
    ("browser.gatherUsageStats", False),     # no metrics call to the internet
    ("server.runOnSave", False),
])
def test_production_setting(shipped, option, expected):
    section, key = option.split(".")
    assert shipped[section][key] == expected


def test_cors_allows_only_listed_origins(shipped):
    origins = shipped["server"]["corsAllowedOrigins"]
    assert "*" not in origins and all(o.startswith(("http://", "https://")) for o in origins)


def test_upload_limit_is_bounded_and_matches_the_import_page(shipped):
    page = (CONFIG.parent.parent / "pages" / "imports.py").read_text(encoding="utf-8")
    limit = shipped["server"]["maxUploadSize"]
    assert 0 < limit <= 200
    assert f"MAX_UPLOAD_MB = {limit}" in page


SYSTEMD = CONFIG.parent.parent / "deploy" / "systemd"


def _unit(name: str) -> dict[str, list[str]]:
    """Key -> values of a systemd unit file (continuation lines joined)."""
    values: dict[str, list[str]] = {}
    text = (SYSTEMD / name).read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_dashboard_unit_runs_the_entry_script_on_loopback_with_variables_the_code_reads():
    unit = _unit("zhzx-dashboard@.service")
    command = unit["ExecStart"][0].split()
    assert command[1:5] == ["-m", "streamlit", "run", "dashboard.py"]
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    code = "\n".join(p.read_text(encoding="utf-8") for d in ("data", "ui", "queries")
                     for p in (CONFIG.parent.parent / d).rglob("*.py"))
    for assignment in unit["Environment"]:
        name = assignment.split("=", 1)[0]
        if name.startswith("DASHBOARD_"):
            assert f'"{name}"' in code, f"{name} is not read by the dashboard"
    assert unit["ReadWritePaths"] == ["/var/lib/zhzx"] and unit["ProtectSystem"] == ["strict"]


def test_wall_kiosk_keeps_chromium_off_the_network_and_opens_the_wall():
    unit = _unit("zhzx-wall-kiosk.service")
    command = unit["ExecStart"][0]
    for flag in ("--kiosk", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic"):
        assert flag in command
    assert any(v.startswith("WALL_URL=") and "/wall" in v for v in unit["Environment"])


def test_clickhouse_load_runs_after_every_publish_into_the_directory_publish_writes():
    """The path unit watches the very directory data.store.publish moves each new snapshot into (for the
    DASHBOARD_DB the service loads from), and the service runs the loader with settings the code reads."""
    from data.config import published_path

    service = _unit("zhzx-clickhouse-load.service")
    watch = _unit("zhzx-clickhouse-load.path")
    db = next(v.split("=", 1)[1] for v in service["Environment"] if v.startswith("DASHBOARD_DB="))
    assert watch["PathChanged"] == [str(published_path(Path(db)).with_suffix(".d"))]
    assert watch["Unit"] == ["zhzx-clickhouse-load.service"]
    command = service["ExecStart"][0].split()
    assert command[1:] == ["-m", "data.clickhouse_load"]
    assert service["Type"] == ["oneshot"] and service["EnvironmentFile"] == ["/etc/zhzx/clickhouse.env"]
    loader = (CONFIG.parent.parent / "data" / "clickhouse_load.py").read_text(encoding="utf-8")
    for name in ("CLICKHOUSE_HOST", "CLICKHOUSE_PORT", "CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD",
                 "CLICKHOUSE_DATABASE", "CLICKHOUSE_SECURE"):
        assert f'"{name}"' in loader
        assert name in (SYSTEMD / "zhzx-clickhouse-load.service").read_text(encoding="utf-8")
