"""python -m reports.bulletin as cron runs it: files or a clear non-zero exit, never a half-filled
document; a period without data says so; the webhook is POSTed to a local HTTP server."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from docx import Document

from data.config import PROJECT_ROOT
from reports import archive
from reports.bulletin import EXIT_FAILED, EXIT_OK, EXIT_USAGE, EXIT_WEBHOOK, main
from tests.pagetools import TEST_DB_NAME, clear_caches, publish_test_db, use_published_db
from tests.test_published_pipelines import NOW, build, tianmen_rows


@pytest.fixture(scope="module")
def tianmen_db(tmp_path_factory):
    """The Tianmen month, published once: the bulletin only reads it (each test has its own archive)."""
    db = tmp_path_factory.mktemp("bulletin_cli") / TEST_DB_NAME
    publish_test_db(build(tianmen_rows()), db)
    return db


@pytest.fixture
def city_db(tianmen_db, tmp_path, monkeypatch):
    use_published_db(tianmen_db, tmp_path, monkeypatch, now=NOW)
    monkeypatch.setenv("DASHBOARD_BULLETIN_DIR", str(tmp_path / "archive"))
    yield tmp_path
    clear_caches()


class Receiver:
    """A local HTTP endpoint on 127.0.0.1 that records POSTed JSON and answers `status`."""

    def __init__(self, status: int = 200):
        self.bodies: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers["Content-Length"])
                outer.bodies.append(json.loads(self.rfile.read(length).decode("utf-8")))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b'{"errcode":0}')

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?key=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def docx_text(path) -> str:
    doc = Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [" | ".join(c.text for c in r.cells)
                                                         for t in doc.tables for r in t.rows])


def test_a_month_is_written_to_the_shared_folder_and_the_webhook_gets_the_links(city_db, capsys):
    out = city_db / "shared"
    hook = Receiver()
    try:
        code = main(["--period", "month", "--month", "2026-10", "--out", str(out), "--formats", "docx,xlsx",
                     "--webhook", hook.url, "--link-base", "http://files.intranet/通报", "--by", "cron@test"])
    finally:
        hook.close()
    assert code == EXIT_OK, capsys.readouterr().err
    files = sorted(p.suffix for p in out.iterdir())
    assert files == [".docx", ".xlsx"]
    text = docx_text(next(out.glob("*.docx")))
    assert "受理 1,054 件 → 立案 996 件" in text and "按期结案率 75.82%" in text
    assert len(hook.bodies) == 1
    body = hook.bodies[0]
    assert body["msgtype"] == "text" and "关于2026年10月全市社会治理案件办理情况的通报" in body["text"]["content"]
    assert body["bulletin"]["files"]["docx"].startswith("http://files.intranet/")
    assert "%E6%9C%88%E6%8A%A5" in body["bulletin"]["files"]["docx"]          # 月报, percent-encoded
    entry = archive.history(city_db / "archive")[0]
    assert (entry.generated_by, entry.origin, entry.period_label) == ("cron@test", "cli", "2026年10月")


def test_a_period_without_data_still_gives_a_whole_document_that_says_so(city_db, capsys):
    assert main(["--period", "month", "--month", "2019-03", "--formats", "docx"]) == EXIT_OK
    path = next((city_db / "archive" / "2019").glob("*.docx"))
    text = docx_text(path)
    assert "无案件数据" in text and "本期无数据" in text and "{{" not in text
    assert "（本期无案件数据）" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--period", "month", "--month", "2026-13"], "YYYY-MM"),
    (["--period", "custom", "--start", "2026-10-01"], "--start 和 --end"),
    (["--period", "quarter", "--quarter", "2026-5"], "季度"),
    (["--district", "火星区"], "找不到区域"),
    (["--formats", "docx,odt"], "输出格式"),
])
def test_bad_arguments_exit_non_zero_with_a_chinese_message_and_write_nothing(city_db, capsys, argv, message):
    code = main(argv)
    assert code in (EXIT_USAGE, EXIT_FAILED)
    assert message in capsys.readouterr().err
    assert not (city_db / "archive").exists() or not any((city_db / "archive").rglob("*.docx"))


def test_a_missing_database_exits_1_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "none.duckdb"))
    monkeypatch.setenv("DASHBOARD_BULLETIN_DIR", str(tmp_path / "archive"))
    assert main(["--month", "2026-10"]) == EXIT_FAILED
    assert "数据库不存在" in capsys.readouterr().err
    assert not (tmp_path / "archive").exists() or not any((tmp_path / "archive").rglob("*.*"))


def test_a_template_with_a_broken_tag_gives_no_document_at_all(city_db, capsys):
    broken = city_db / "broken.docx"
    doc = Document(str(PROJECT_ROOT / "reports/templates/通报模板.docx"))
    doc.add_paragraph("{{ no_such_thing.value }} {% if %}")
    doc.save(str(broken))
    assert main(["--month", "2026-10", "--template", str(broken)]) == EXIT_FAILED
    assert "通报未生成" in capsys.readouterr().err
    assert not any((city_db / "archive").rglob("*.docx")) if (city_db / "archive").exists() else True


def test_a_failing_webhook_keeps_the_files_and_exits_3(city_db, capsys):
    hook = Receiver(status=500)
    try:
        code = main(["--month", "2026-10", "--formats", "docx", "--webhook", hook.url])
    finally:
        hook.close()
    assert code == EXIT_WEBHOOK
    assert "通知失败" in capsys.readouterr().err
    assert len(list((city_db / "archive").rglob("*.docx"))) == 1


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium missing")
def test_the_module_runs_from_a_shell_like_cron_does(city_db):
    done = subprocess.run([sys.executable, "-m", "reports.bulletin", "--period", "week", "--week", "2026-10-14",
                           "--formats", "pdf"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pdf = next((city_db / "archive").rglob("*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF") and "2026年第42周" in done.stdout


def _unit(name: str) -> dict[str, str]:
    values = {}
    for line in (PROJECT_ROOT / "deploy" / "systemd" / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), value.strip())
    return values


def test_the_systemd_timers_run_the_weekly_and_monthly_bulletin_as_the_readme_says():
    from reports.bulletin import parse_args

    assert _unit("zhzx-bulletin-weekly.timer")["OnCalendar"] == "Mon *-*-* 08:00:00"
    assert _unit("zhzx-bulletin-weekly.timer")["Unit"] == "zhzx-bulletin@week.service"
    assert _unit("zhzx-bulletin-monthly.timer")["OnCalendar"] == "*-*-01 08:00:00"
    assert _unit("zhzx-bulletin-monthly.timer")["Unit"] == "zhzx-bulletin@month.service"
    service = _unit("zhzx-bulletin@.service")
    _, *argv = service["ExecStart"].split()
    assert argv[:2] == ["-m", "reports.bulletin"]
    for kind in ("week", "month"):
        args = parse_args([a.replace("%i", kind) for a in argv[2:] if not a.startswith("$")])
        assert args.period == kind and str(args.out) == "/srv/share/通报"
    assert "DASHBOARD_BULLETIN_DIR=/var/lib/zhzx/bulletins" in open(
        PROJECT_ROOT / "deploy/systemd/zhzx-bulletin@.service", encoding="utf-8").read()


def test_a_city_with_a_statistical_month_gets_the_21st_to_the_20th(city_db, monkeypatch, capsys):
    toml = (PROJECT_ROOT / "data/reference/city.toml").read_text(encoding="utf-8")
    assert "month_start_day = 1 " in toml
    custom = city_db / "city.toml"
    custom.write_text(toml.replace("month_start_day = 1 ", "month_start_day = 21 "), encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CITY", str(custom))
    assert main(["--period", "month", "--month", "2026-10", "--formats", "docx"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "2026年9月21日至2026年10月20日" in out
    text = docx_text(next((city_db / "archive").rglob("*.docx")))
    assert "统计期：2026年9月21日至2026年10月20日（月报）" in text
