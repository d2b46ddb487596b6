"""The two published pipelines of domain.md, reproduced as bulletins from record-level rows (the
fixtures of tests/test_published_pipelines.py): the 天门 October 月报 and the 赤壁 Q3 季报 must state
exactly the published figures in Word (read back with python-docx) and in the PDF (pdftotext), and
the PDF must render Chinese with a real CJK font (pdftoppm → PNG, not blank)."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import datetime

import pytest
from docx import Document

from data.config import load_city
from queries.kpis import registry
from queries.scores import load_scores
from reports import periods
from reports.config import load_bulletin_config
from reports.generate import produce
from tests.test_published_pipelines import build, chibi_rows, tianmen_rows, window_scope

CITY = load_city()
SCORES = load_scores(CITY.scores_path, registry(CITY))
GENERATED_AT = datetime(2026, 11, 23, 10, 30)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(lines)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "b.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def make(rows, period, tmp_path, monkeypatch, formats=("docx", "pdf")):
    monkeypatch.setenv("DASHBOARD_BULLETIN_DIR", str(tmp_path / "archive"))
    con = build(rows)
    scope = window_scope(period.start, period.end)
    return produce(con, scope, period, city=CITY, scores=SCORES, config=load_bulletin_config(), generated_by="测试",
                   generated_at=GENERATED_AT, formats=formats, origin="cli")


@pytest.fixture(scope="module")
def tianmen(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        yield make(tianmen_rows(), periods.month(2026, 10), tmp_path_factory.mktemp("tianmen"), mp)
    finally:
        mp.undo()


def test_the_tianmen_month_bulletin_states_the_published_pipeline_in_word(tianmen):
    text = docx_text(tianmen.files["docx"])
    flow = "受理 1,054 件 → 立案 996 件 → 派遣 .* 件 → 应结案 972 件 → 结案 911 件（结案率 93.72%） → 按期结案 737 件（按期结案率 75.82%）"
    assert re.search(flow, text), text[:800]
    assert "共受理案件 1,054 件" in text
    assert "应结案 972 件，结案 911 件，结案率 93.72%" in text
    assert "按期结案 737 件，按期结案率 75.82%" in text
    # the KPI table: value and numerator / denominator side by side
    assert "结案率 | 93.72% | 911 / 972" in text and "按期结案率 | 75.82% | 737 / 972" in text
    doc = Document(io.BytesIO(tianmen.files["docx"]))
    assert len(doc.inline_shapes) == 3                                     # trend, sources, areas
    assert "PAGE" in doc.sections[0].footer._element.xml                   # — N — page numbers
    assert doc.paragraphs[2].style.name == "通报标题" and doc.paragraphs[2].text.startswith("关于2026年10月")


def test_the_tianmen_month_bulletin_pdf_states_the_same_figures_in_chinese(tianmen, tmp_path):
    text = pdf_text(tianmen.files["pdf"], tmp_path)
    squeezed = re.sub(r"\s+", "", text)
    assert "受理1,054件→立案996件" in squeezed
    assert "应结案972件→结案911件（结案率93.72%）→按期结案737件（按期结案率75.82%）" in squeezed
    assert "关于2026年10月全市社会治理案件办理情况的通报" in squeezed


def test_the_pdf_page_renders_with_an_installed_cjk_font(tianmen, tmp_path):
    """No tofu: page 1 rasterises with ink on it, and two different characters printed through the
    same HTML → PDF path come out as two full glyphs. Without a CJK font Chromium draws each as a
    small hollow box with the code point in it (checked with fontconfig limited to DejaVu: 68 dark
    pixels each, 48 differing; real glyphs here: ~400 each, ~500 differing), while pdftotext would
    still read the right text."""
    from PIL import Image, ImageChops

    from reports.pdf_out import html_to_pdf

    def ink(image) -> int:
        return sum(1 for v in image.get_flattened_data() if v < 128)

    path = tmp_path / "b.pdf"
    path.write_bytes(tianmen.files["pdf"])
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    assert ink(Image.open(next(tmp_path.glob("p*.png"))).convert("L")) > 2000, "page 1 is (nearly) blank"
    style = "<style>body{font-family:'仿宋_GB2312','Noto Serif CJK SC',serif;font-size:90pt}</style>"
    glyphs = html_to_pdf(f"<html><head><meta charset='utf-8'>{style}</head><body>通"
                         "<div style='break-before:page'>报</div></body></html>")
    (tmp_path / "g.pdf").write_bytes(glyphs)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "g.pdf"), str(tmp_path / "g")], check=True)
    first, second = (Image.open(p).convert("L") for p in sorted(tmp_path.glob("g*.png")))
    differing = sum(1 for v in ImageChops.difference(first, second).get_flattened_data() if v > 100)
    assert min(ink(first), ink(second)) > 150, "characters drawn as boxes: install a CJK font (fonts-noto-cjk)"
    assert differing > 0.5 * max(ink(first), ink(second)), "two different characters drawn alike"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_the_chibi_quarter_bulletin_states_the_published_disposal_rate(tmp_path, monkeypatch):
    result = make(chibi_rows(), periods.quarter(2026, 3), tmp_path, monkeypatch)
    text = docx_text(result.files["docx"])
    assert "立案派遣 7,389 件，处置结案 6,967 件，处置率 94.29%" in text
    assert "处置率 | 94.29% | 6,967 / 7,389" in text
    assert "共受理案件 7,534 件" in text
    squeezed = re.sub(r"\s+", "", pdf_text(result.files["pdf"], tmp_path))
    assert "立案派遣7,389件，处置结案6,967件，处置率94.29%" in squeezed
    assert result.bulletin.period.label == "2026年第三季度" and "季报" in result.bulletin.period.kind_label
