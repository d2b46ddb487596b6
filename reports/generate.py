"""One bulletin from query to files: build the content, draw the charts, render Word, PDF and Excel,
check every file, and only then write them all and record the history. Shared by the page and the
CLI, so a scheduled bulletin and a clicked one are the same document."""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document

from data.config import CityConfig
from queries.runner import CursorSource
from queries.scope import Scope
from queries.scores import ScoreConfig
from reports import archive, charts
from reports.config import DEFAULT_TEMPLATE, TEMPLATE_DIR, BulletinConfig
from reports.content import Bulletin, build
from reports.docx_out import render_docx
from reports.pdf_out import render_pdf
from reports.periods import Period
from reports.xlsx_out import render_xlsx

FORMATS = ("docx", "pdf", "xlsx")


class BulletinError(RuntimeError):
    """A bulletin that cannot be produced whole; the message is Chinese and shown as is."""


@dataclass
class Result:
    bulletin: Bulletin
    files: dict[str, bytes]
    entry: archive.Entry | None


def templates() -> dict[str, Path]:
    """Word templates an operator can choose: every .docx in reports/templates (the default first)."""
    found = sorted(TEMPLATE_DIR.glob("*.docx"), key=lambda p: (p.name != DEFAULT_TEMPLATE, p.name))
    return {p.stem: p for p in found if not p.name.startswith("~$")}


def check_docx(data: bytes, bulletin: Bulletin) -> None:
    """The rendered Word file opens, carries the title and the first figure, and has no tag left over."""
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    if "{{" in text or "{%" in text:
        raise BulletinError("Word 模板中有未能填写的标记（{{ … }} 或 {% … %}），请检查模板")
    if bulletin.title not in text:
        raise BulletinError("生成的 Word 文件缺少通报标题，模板可能缺少 {{ title }}")


def produce(source: CursorSource, scope: Scope, period: Period, *, city: CityConfig, scores: ScoreConfig,
            config: BulletinConfig, generated_by: str, generated_at: datetime, template: Path | None = None,
            formats: tuple[str, ...] = FORMATS, origin: str = "cli", keep: bool = True) -> Result:
    """Everything or nothing: raises BulletinError (Chinese message) before any file is written."""
    template = template or TEMPLATE_DIR / DEFAULT_TEMPLATE
    if not template.exists():
        raise BulletinError(f"Word 模板不存在：{template}")
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise BulletinError(f"输出格式只能是 {'、'.join(FORMATS)}")
    seq = archive.next_seq(config.archive_dir, period.kind, period.last_day.year)
    try:
        bulletin = build(source, scope, period, city=city, scores=scores, config=config, generated_by=generated_by,
                         generated_at=generated_at, seq=seq)
        charts.draw(bulletin)
    except FileNotFoundError as exc:
        raise BulletinError(f"数据库无法打开：{exc}") from exc
    files: dict[str, bytes] = {}
    try:
        # Chromium prints in its own process while Word and Excel are rendered here.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pdf = pool.submit(render_pdf, bulletin) if "pdf" in formats else None
            if "docx" in formats:
                files["docx"] = render_docx(bulletin, template)
                check_docx(files["docx"], bulletin)
            if "xlsx" in formats:
                files["xlsx"] = render_xlsx(bulletin)
            if pdf is not None:
                files["pdf"] = pdf.result()
        files = {ext: files[ext] for ext in FORMATS if ext in files}
    except BulletinError:
        raise
    except Exception as exc:  # noqa: BLE001 - any renderer failure means no document at all
        raise BulletinError(f"通报文件生成失败（{type(exc).__name__}）：{exc}") from exc
    if any(not data for data in files.values()):
        raise BulletinError("有文件生成为空，已全部放弃")
    covered = list(scope.districts) if scope.districts is not None else (
        None if scope.access.all_districts else list(scope.access.districts))
    entry = archive.save(config.archive_dir, bulletin, files, origin, covered, scope.access.label) if keep else None
    return Result(bulletin, files, entry)
