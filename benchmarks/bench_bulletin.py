"""Prints how long one 通报 takes: a month of the default demo city (target under 10 s), stage by stage.

Baseline measured in the same run: the 总览 page's own queries for the same month (benchmarks/
bench_overview.page_queries), i.e. what showing those numbers on screen costs. Stages: the content
(every query of the bulletin), the three charts (matplotlib), Word (docxtpl), PDF (Chromium print),
Excel; then the whole of reports.generate.produce as the page and the CLI run it (best of 2).
Alternatives that were not chosen are reported where this machine can run them (LibreOffice headless
for the PDF; kaleido for plotly static images). Usage: python -m benchmarks.bench_bulletin [DB] [YYYY-MM]
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks.bench_overview import page_queries
from data.config import load_city, published_path
from queries.db import SnapshotReader
from queries.kpis import apply_rules, registry
from queries.scope import Access, Scope
from queries.scores import load_scores
from reports import charts, periods
from reports.config import DEFAULT_TEMPLATE, TEMPLATE_DIR, load_bulletin_config
from reports.content import build
from reports.docx_out import render_docx
from reports.generate import produce
from reports.pdf_out import render_pdf
from reports.xlsx_out import render_xlsx


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main(db: str = "data/demo.duckdb", month: str | None = None) -> None:
    city = load_city()
    scores = load_scores(city.scores_path, registry(city))
    reader = SnapshotReader(published_path(Path(db)))
    n, last = reader.cursor().execute("SELECT count(*), max(reported_date) FROM cases").fetchone()
    period = periods.month(*periods.parse_month(month)) if month else periods.last_complete("month", last)
    scope = apply_rules(Scope(period.start, period.end, Access.demo()), city)
    with tempfile.TemporaryDirectory(prefix="bench-bulletin-") as tmp:
        os.environ["DASHBOARD_BULLETIN_DIR"] = tmp
        config = load_bulletin_config()
        print(f"{n:,} cases; {period.label}{period.kind_label} ({period.span_text}); load average "
              f"{os.getloadavg()[0]:.1f}")
        page_queries(reader, scope, city.league_min_volume)          # warm the snapshot's pages once
        baseline = min(timed(lambda: page_queries(reader, scope, city.league_min_volume))[0] for _ in range(3))
        print(f"  baseline: 总览 page queries for the month           {baseline:6.2f} s")
        t_content, b = timed(lambda: build(reader, scope, period, city=city, scores=scores, config=config,
                                           generated_by="bench", generated_at=datetime.now()))
        t_charts, _ = timed(lambda: charts.draw(b))
        t_docx, docx = timed(lambda: render_docx(b, TEMPLATE_DIR / DEFAULT_TEMPLATE))
        t_pdf, pdf = timed(lambda: render_pdf(b))
        t_xlsx, xlsx = timed(lambda: render_xlsx(b))
        for label, t in (("content (all bulletin queries)", t_content), ("charts, 3 PNG (matplotlib)", t_charts),
                         (f"Word ({len(docx) // 1024} KB)", t_docx), (f"PDF via Chromium ({len(pdf) // 1024} KB)", t_pdf),
                         (f"Excel ({len(xlsx) // 1024} KB)", t_xlsx)):
            print(f"  {label:<48}{t:6.2f} s")
        whole = min(timed(lambda: produce(reader, scope, period, city=city, scores=scores, config=config,
                                          generated_by="bench", generated_at=datetime.now(), origin="cli"))[0]
                    for _ in range(2))
        print(f"  whole bulletin (produce: Word + PDF + Excel)      {whole:6.2f} s  (×{whole / baseline:.0f} the page's "
              f"queries; target < 10 s)")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice:
            path = Path(tmp) / "b.docx"
            path.write_bytes(docx)
            t_lo, _ = timed(lambda: subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp,
                                                    str(path)], capture_output=True, timeout=300))
            print(f"  alternative: LibreOffice headless docx → PDF        {t_lo:6.2f} s")
        else:
            print("  alternative: LibreOffice headless — not installed (libreoffice-writer-nogui: 49 Debian "
                  "packages, ~247 MB)")


if __name__ == "__main__":
    main(*sys.argv[1:])
