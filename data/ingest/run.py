"""Import one file: land it, detect what it is, validate and stage it, load it in one transaction.

    result = import_file(Path("cases.xlsx"), db=Path("data/city.duckdb"))

Under the writer lock (data.store.writer): the dashboard keeps reading the last published
snapshot while an import runs, and sees the new data when the writer publishes at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import os
import time

import duckdb
import pandas as pd
import pyarrow as pa

from data.config import load_city
from data.ingest import ledger
from data.ingest.decode import decode_text, decode_utf8
from data.ingest import limits
from data.ingest.detect import sniff
from data.ingest.limits import InputLimits, load_limits
from data.ingest.formats.open311 import read_json, read_xml, stage_services
from data.ingest.load import load_cases, load_services
from data.ingest.mapping import Mapping, all_mappings, known_columns, load_mapping
from data.ingest.reasons import FileRejected, message
from data.ingest.tables import RawTable, read_delimited, read_excel
from data.ingest.transform import Context, stage
from data.store import WriterBusy, has_unpublished_changes, publish, writer, writer_lock
from data.worktime import WorkCalendar, load_time_limits

COUNT_KEYS = ledger.COUNT_COLUMNS
# Fault injection for the crash tests only: seconds to sleep after an import's commit, before its
# manifest line and its publish, so a test can kill the process in that window.
PAUSE_AFTER_COMMIT_ENV = "DATA_INGEST_TEST_PAUSE_AFTER_COMMIT_SECONDS"
DEFINITION_TEXT = ("这是 Open311 服务定义（某一服务需要填写的属性），其中没有服务请求或服务类型，"
                   "数据库中没有对应的内容；请导入服务请求（requests）或服务列表（services）")


@dataclass
class ImportResult:
    file_name: str
    sha256: str
    status: str                                  # complete | failed
    batch_id: int | None = None
    format: str | None = None
    mapping: str | None = None
    encoding: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reason_code: str | None = None
    message_zh: str | None = None
    same_as_batch: int | None = None
    landing_path: Path | None = None
    span: tuple[datetime, datetime] | None = None   # earliest and latest reported_at of the kept rows

    @property
    def ok(self) -> bool:
        return self.status == "complete"


@dataclass
class Source:
    table: RawTable
    mapping: Mapping
    format: str
    encoding: str | None


def read_source(data: bytes, mapping_arg: str | Path | None, input_limits: InputLimits | None = None) -> Source:
    """Detect, check the input limits, decode and parse; choose the mapping; check its required columns."""
    fmt = sniff(data)
    input_limits = input_limits or load_limits()
    limits.check(data, fmt, input_limits)
    forced = load_mapping(mapping_arg) if mapping_arg else None
    encoding = None
    doc = None
    if fmt in ("xlsx", "xls"):
        table = read_excel(data, known_columns())
    elif fmt == "csv":
        utf8, encoding = decode_utf8(data)
        table = read_delimited(utf8, known_columns(), max_field_chars=input_limits.max_field_chars)
    else:
        text, encoding = decode_text(data)
        if fmt == "json":
            limits.check_json_depth(text, input_limits)
            repair = forced.repair_json_leading_zeros if forced else True
            try:
                table, doc = read_json(text, repair=repair)
            except RecursionError:   # the depth check above makes this unreachable; a reason, never a traceback
                raise FileRejected("bad_json", line="?", col="?", detail="嵌套过深") from None
            if doc == "definition":
                raise FileRejected("not_importable", detail=DEFINITION_TEXT)
        elif fmt == "xml":
            table, doc = read_xml(text)
            if doc == "service_definition":
                raise FileRejected("not_importable", detail=DEFINITION_TEXT)
    mapping = forced or _choose(table, fmt)
    if fmt in ("json", "xml") and mapping.reader != "open311" or fmt not in ("json", "xml") and mapping.reader == "open311":
        raise FileRejected("mapping_mismatch", mapping=mapping.name, detail=f"文件是 {fmt}，映射读取的是另一种格式")
    missing = [c for c in mapping.required_columns if c not in table.header]
    if missing and table.rows == 0 and not table.header:
        raise FileRejected("empty_file")
    if missing:
        raise FileRejected("missing_columns", columns="、".join(missing))
    return Source(table, mapping, fmt, encoding)


def _choose(table: RawTable, fmt: str) -> Mapping:
    """The mapping whose identifying columns are all in the header; else the one naming most of
    the header's columns (at least three), so a file missing a required column is told which."""
    header = set(table.header)
    kinds = [m for m in all_mappings() if (m.reader == "open311") == (fmt in ("json", "xml"))]
    full = [m for m in kinds if m.detect_columns and set(m.detect_columns) <= header]
    if full:
        return max(full, key=lambda m: (len(m.detect_columns), len(m.source_columns() & header)))
    near = [m for m in kinds if len(m.source_columns() & header) >= 3]
    if near:
        return max(near, key=lambda m: len(m.source_columns() & header))
    raise FileRejected("unknown_layout", header="、".join(table.header[:12]) or "（无）")


def _now_for(mapping: Mapping) -> datetime:
    if mapping.timezone:
        return datetime.now(ZoneInfo(mapping.timezone)).replace(tzinfo=None, microsecond=0)
    # Wall-clock times of an unknown zone: nothing can be later than the easternmost zone's now.
    return (datetime.now(timezone.utc) + timedelta(hours=14)).replace(tzinfo=None, microsecond=0)


def _frame(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return con.table(table).df()


def _city_of(mapping: Mapping, city_override: str | None) -> str | None:
    if city_override:
        return city_override
    if mapping.city_name == "*":
        return None
    return mapping.city_name or load_city().name


def import_file(source: Path | bytes, *, db: Path, file_name: str | None = None, mapping: str | Path | None = None,
                invoked_by: str = "cli", now: datetime | None = None, landing_dir: Path | None = None,
                progress: Callable[[str], None] = lambda _: None, wait_seconds: float = 120.0,
                city_name: str | None = None, record_manifest: bool = True,
                input_limits: InputLimits | None = None) -> ImportResult:
    """Imports one file into `db`. Never raises for a bad file (the result says why it failed);
    raises data.store.WriterBusy when another writer holds the database past `wait_seconds`.
    input_limits: the [import] limits of city.toml unless given."""
    input_limits = input_limits or load_limits()
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        file_name = file_name or "upload"
    else:
        data = Path(source).read_bytes()
        file_name = file_name or Path(source).name
    db = Path(db)
    landing_dir = Path(landing_dir) if landing_dir else ledger.default_landing_dir(db)
    sha = ledger.sha256_of(data)
    landing_path = ledger.land(data, file_name, landing_dir)
    result = ImportResult(file_name=file_name, sha256=sha, status="failed", landing_path=landing_path)
    progress(f"读取 {file_name}（{len(data) / 1e6:.1f} MB，sha256 {sha[:12]}…）")
    with writer(db, wait_seconds=wait_seconds) as con:
        con.execute("SET enable_progress_bar = false")
        if record_manifest:   # a crash after an earlier commit may have left its line out
            ledger.sync_manifest(con, landing_dir)
        result.batch_id = ledger.start(con, file_name=file_name, sha256=sha, size_bytes=len(data),
                                       invoked_by=invoked_by)
        try:
            src = read_source(data, mapping, input_limits)
            result.format, result.mapping, result.encoding = src.format, src.mapping.name, src.encoding
            ledger.describe(con, result.batch_id, format=src.format, mapping=src.mapping.name, encoding=src.encoding,
                            mapping_source=str(mapping) if mapping else None)
            _check_city(con, src.mapping, city_name)
            progress(f"格式 {src.format}，映射“{src.mapping.title_zh}”，{src.table.rows:,} 行，校验中……")
            result.same_as_batch = ledger.earlier_complete(con, sha, result.batch_id)
            if src.mapping.handler == "services":
                staged, categories = stage_services(src.table, src.mapping)
                notes = _notes(src, staged.notes, result)
                result.counts = load_services(con, staged, categories, batch_id=result.batch_id, file_name=file_name,
                                              notes=notes, same_as_batch=result.same_as_batch)
            else:
                ctx = _context(con, src.mapping, now)
                staged = stage(src.table, src.mapping, ctx)
                notes = _notes(src, staged.notes, result, calendar=ctx.calendar, cases=staged.cases)
                if len(staged.cases):
                    result.span = (staged.cases.reported_at.min().to_pydatetime(),
                                   staged.cases.reported_at.max().to_pydatetime())
                level_names = src.mapping.level_names or (load_city().level_names
                                                          if src.mapping.areas.get("mode") == "names" else ())
                span = (result.span[0].date(), result.span[1].date()) if result.span else None
                reference = {"level_names": tuple(level_names), "city_name": _city_of(src.mapping, city_name) or "",
                             "calendar": ctx.calendar, "span": span}
                result.counts = load_cases(con, staged, origin=src.mapping.origin, batch_id=result.batch_id,
                                           file_name=file_name, notes=notes, same_as_batch=result.same_as_batch,
                                           progress=progress, reference=reference)
            result.status = "complete"
            result.notes = [n for n in notes.split("\n") if n]
            _pause_after_commit(progress)
            if record_manifest:
                ledger.sync_manifest(con, landing_dir)
        except FileRejected as exc:
            ledger.fail(con, result.batch_id, exc.code, exc.message_zh)
            result.reason_code, result.message_zh = exc.code, exc.message_zh
            return result
        except (MemoryError, duckdb.OutOfMemoryException, pa.ArrowMemoryError):
            # over the worker's address-space cap (data/ingest/worker.py): nothing committed
            exc = FileRejected("memory_limit", limit_mb=input_limits.worker_memory_mb)
            ledger.fail(con, result.batch_id, exc.code, exc.message_zh)
            result.reason_code, result.message_zh = exc.code, exc.message_zh
            return result
        except Exception as exc:
            detail = f"{type(exc).__name__}: {exc}"[:300]
            ledger.fail(con, result.batch_id, "internal_error", message("internal_error", detail=detail))
            result.reason_code, result.message_zh = "internal_error", message("internal_error", detail=detail)
            raise
    return result


def _pause_after_commit(progress: Callable[[str], None]) -> None:
    seconds = float(os.environ.get(PAUSE_AFTER_COMMIT_ENV) or 0)
    if seconds > 0:
        progress(f"已提交，发布前暂停 {seconds:g} 秒（测试）")
        time.sleep(seconds)


@dataclass
class Recovery:
    manifest_lines_added: int = 0
    published: bool = False
    busy: bool = False          # another writer holds the database; it publishes when it ends


def recover(db: Path, landing_dir: Path | None = None, *, wait_seconds: float = 0.0) -> Recovery:
    """At a start (importer, dashboard): manifest lines for committed imports that have none, and a
    publish when the writers' database holds commits its published snapshot does not (a writer
    killed between commit and publish)."""
    db = Path(db)
    out = Recovery()
    if not db.exists():
        return out
    landing_dir = Path(landing_dir) if landing_dir else ledger.default_landing_dir(db)
    try:
        with writer_lock(db, wait_seconds=wait_seconds):
            behind = has_unpublished_changes(db)
            # Read-only unless a publish is due: a read-write open could itself touch the file and make
            # the next start publish again for nothing.
            con = duckdb.connect(str(db), read_only=not behind)
            try:
                out.manifest_lines_added = len(ledger.sync_manifest(con, landing_dir))
                if behind:
                    publish(con, db)
                    out.published = True
            finally:
                con.close()
    except WriterBusy:
        out.busy = True
    return out


def _check_city(con: duckdb.DuckDBPyConnection, mapping: Mapping, city_override: str | None) -> None:
    file_city = _city_of(mapping, city_override)
    if not file_city:
        return
    rows = con.execute("SELECT value FROM meta WHERE key = 'city_name'").fetchall()
    row = rows[0] if rows else None
    has_data = con.execute("SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM areas)").fetchall()[0][0] > 0
    if row and row[0] and row[0] != file_city and has_data:
        raise FileRejected("other_city", db_city=row[0], file_city=file_city)


def _context(con: duckdb.DuckDBPyConnection, mapping: Mapping, now: datetime | None) -> Context:
    calendar = WorkCalendar.from_config() if mapping.working_time else None
    limits = _frame(con, "time_limits")
    if limits.empty:
        limits = load_time_limits()
    return Context(now=now or _now_for(mapping), areas=_frame(con, "areas"), units=_frame(con, "units"),
                   categories=_frame(con, "categories"), sources=_frame(con, "sources"), calendar=calendar,
                   limits=limits)


def _calendar_warning(calendar: WorkCalendar, cases: pd.DataFrame | None) -> str | None:
    """The calendar's warning for the years this file's cases span (timestamps and deadlines), plus
    any year its working-time arithmetic fell back on: an import of 2027 cases says 调休 is unknown."""
    years: set[int] = set(calendar.missing_years)
    if cases is not None and len(cases):
        for col in cases.columns:
            if col.endswith("_at") and pd.api.types.is_datetime64_any_dtype(cases[col]):
                years.update(int(y) for y in cases[col].dt.year.dropna().unique())
    return calendar.warning_text(sorted(years))


def _notes(src: Source, notes: list[str], result: ImportResult, *, calendar: WorkCalendar | None = None,
           cases: pd.DataFrame | None = None) -> str:
    out = list(notes)
    if src.table.rows == 0:
        out.append("文件只有表头，没有数据行")
    unused = [c for c in src.table.header if c not in src.mapping.source_columns()]
    if unused and src.mapping.reader == "table":
        out.append(f"未使用的列（映射中没有）：{'、'.join(unused[:20])}{' 等' if len(unused) > 20 else ''}")
    absent = sorted({c for cols in src.mapping.columns.values() for c in cols if c not in src.table.header}
                    - set(src.mapping.required_columns))
    if absent and src.mapping.reader == "table" and src.mapping.name == "cn_case_export":
        optional = {"身份证号", "证件号码", "地址", "事发地址", "详细地址", "回访时间", "处理意见"}
        absent = [c for c in absent if c not in optional]
        if absent:
            out.append(f"文件中没有这些列，按空值处理：{'、'.join(absent)}")
    if result.same_as_batch:
        out.append(f"相同内容（sha256 相同）已于第 {result.same_as_batch} 批导入过")
    if src.mapping.working_time:
        warning = _calendar_warning(calendar or WorkCalendar.from_config(), cases)
        if warning:
            out.append(warning)
    return "\n".join(out)


def rebuild(db: Path, landing_dir: Path, progress: Callable[[str], None] = lambda _: None) -> list[ImportResult]:
    """Replays every completed import of the landing folder's manifest, in order, into `db`."""
    results = []
    for entry in ledger.read_manifest(landing_dir):
        path = landing_dir / entry["landing_file"]
        if not path.exists() or ledger.sha256_of(path.read_bytes()) != entry["sha256"]:
            results.append(ImportResult(file_name=entry["file_name"], sha256=entry["sha256"], status="failed",
                                        reason_code="landing_missing",
                                        message_zh=f"着陆区缺少文件或内容已变：{path.name}"))
            continue
        results.append(import_file(path, db=db, file_name=entry["file_name"], mapping=entry.get("mapping"),
                                   invoked_by="rebuild", landing_dir=landing_dir, progress=progress,
                                   record_manifest=False))
    return results
