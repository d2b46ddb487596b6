"""The bulletin as HTML and, printed by headless Chromium, as PDF (offline).

Why Chromium and not LibreOffice: Chromium is already on every machine that runs the browser tests
(scripts/test.sh installs Debian's `chromium`), it prints CSS paged media (A4, margins, "— N —" page
numbers through @page margin boxes) and shapes Chinese with the installed fonts; LibreOffice would be
a second ~300 MB office suite (libreoffice-writer-nogui and its dependencies) for the same job.
Measured in benchmarks/bench_bulletin.py: one print takes about a second and a half here.
"""
from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from reports.config import TEMPLATE_DIR
from reports.content import Bulletin
from reports.layout import charts_after, context

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Flags that keep the browser off the network and quiet (tests/browser/harness.py uses the same).
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")
PRINT_TIMEOUT_SECONDS = 120


class PdfError(RuntimeError):
    pass


def chromium_path() -> str:
    configured = os.environ.get("DASHBOARD_CHROMIUM")
    if configured:
        return configured
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError("找不到 Chromium 浏览器，无法生成 PDF（Debian：apt-get install chromium）")


def render_html(b: Bulletin) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))
    sections = []
    for i, (heading, paragraphs, tables) in enumerate(b.sections):
        sections.append({
            "heading": heading, "paragraphs": paragraphs,
            "tables": [{"title": t.title, "headers": t.headers, "rows": t.text_rows(t.doc_rows), "note": t.note}
                       for t in tables],
            "charts": [{"title": c.title, "b64": base64.b64encode(c.png).decode("ascii")} for c in charts_after(b, i)],
        })
    return env.get_template("bulletin.html").render(context(b) | {"sections": sections})


def html_to_pdf(html: str) -> bytes:
    """Prints `html` with headless Chromium; raises PdfError with the reason when it fails."""
    browser = chromium_path()
    with tempfile.TemporaryDirectory(prefix="bulletin-") as tmp:
        page, out = Path(tmp) / "bulletin.html", Path(tmp) / "bulletin.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=PRINT_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium 打印 PDF 超时（{PRINT_TIMEOUT_SECONDS} 秒）") from None
        data = out.read_bytes() if out.exists() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfError(f"Chromium 未能生成 PDF（退出码 {done.returncode}）：{' / '.join(tail)}")
        return data


def render_pdf(b: Bulletin) -> bytes:
    return html_to_pdf(render_html(b))
