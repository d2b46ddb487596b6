"""Limits on an input file, checked before any parser sees it (security.md rule 14).

A 1 MB .xlsx can decompress to gigabytes (a zip bomb), a 7 KB sheet can declare a million empty
rows that a reader materialises, a CSV field can run to the end of the file (an unclosed quote),
and JSON nested 100,000 deep exhausts the parser's recursion. Each is measured cheaply here and
rejected with a Chinese message naming the limit; the parsers never run on such a file. What no
cheap check can bound (a legacy .xls, pathological content under every limit) is bounded by the
worker process the page imports in (data/ingest/worker.py: memory and time caps).

The limits are the [import] section of city.toml (defaults below); docs/import.md lists them.
"""
from __future__ import annotations

import io
import re
import tomllib
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from data.ingest.reasons import FileRejected

MB = 1024 * 1024
_CHUNK = 1 << 20


@dataclass(frozen=True)
class InputLimits:
    max_file_mb: int = 200              # bytes as uploaded (the page's upload limit too)
    max_decompressed_mb: int = 512      # .xlsx: every member of the zip, decompressed
    max_rows: int = 1_000_000           # records (CSV lines; an Excel sheet's used range, empty rows included)
    max_cells: int = 40_000_000         # rows × columns
    max_field_chars: int = 32_767       # one field (Excel's own limit for a cell)
    max_json_depth: int = 64            # nesting of arrays and objects
    worker_memory_mb: int = 4096        # address space of the page's import worker process
    worker_seconds: int = 900           # wall-clock time of one import in the worker


def load_limits(path: Path | None = None) -> InputLimits:
    """[import] of the city configuration; missing keys take the defaults, unknown keys fail."""
    from data.config import _city_toml_path

    path = Path(path) if path else _city_toml_path()
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("import", {})
    known = {f.name for f in fields(InputLimits)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"{path}: [import] has unknown keys {unknown}; known: {sorted(known)}")
    values = {k: int(v) for k, v in raw.items()}
    if any(v <= 0 for v in values.values()):
        raise ValueError(f"{path}: [import] limits must be positive")
    return InputLimits(**values)


def check(data: bytes, kind: str, limits: InputLimits) -> None:
    """Raises FileRejected when `data` (of sniffed `kind`) is over a limit."""
    if len(data) > limits.max_file_mb * MB:
        raise FileRejected("too_large", size_mb=len(data) / MB, limit_mb=limits.max_file_mb)
    if kind == "xlsx":
        check_xlsx(data, limits)
    elif kind in ("csv", "json", "xml"):
        check_text(data, limits)
        if kind == "csv":
            check_csv_rows(data, limits)


def check_text(data: bytes, limits: InputLimits) -> None:
    """Text is text all the way: a NUL anywhere (not only in the first 64 KB) rejects the file."""
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise FileRejected("binary_file", detail=f"第 {line:,} 行含有 NUL 字节")


def check_csv_rows(data: bytes, limits: InputLimits) -> None:
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines > limits.max_rows + 10:   # + a header and title lines above it
        raise FileRejected("too_many_rows", rows=lines, limit=limits.max_rows)
    first = data[:data.find(b"\n")] if b"\n" in data[:1 << 16] else data[:1 << 16]
    columns = max(first.count(sep) for sep in (b",", b"\t", b";", b"|")) + 1
    if lines * columns > limits.max_cells:
        raise FileRejected("too_many_cells", rows=lines, columns=columns, cells=lines * columns,
                           limit=limits.max_cells)


def check_json_depth(text: str, limits: InputLimits) -> None:
    """Deepest nesting of arrays and objects, strings left out; vectorised, no recursion."""
    if not text:
        return
    blanked = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    codes = np.frombuffer(blanked.encode("utf-8", errors="replace"), dtype=np.uint8)
    step = np.zeros(len(codes), dtype=np.int32)
    step[(codes == ord("[")) | (codes == ord("{"))] = 1
    step[(codes == ord("]")) | (codes == ord("}"))] = -1
    depth = int(np.cumsum(step).max(initial=0))
    if depth > limits.max_json_depth:
        raise FileRejected("too_deep", depth=depth, limit=limits.max_json_depth)


# <row r="12" ...> and <c r="AB12" ...>: the sheet's used range, whatever the dimension tag says
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})(\d+)\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_xlsx(data: bytes, limits: InputLimits) -> None:
    """Decompresses every member as a stream, counting the bytes actually produced (a zip's own size
    fields can lie) and stopping at the limit; worksheets are scanned for their used range."""
    budget = limits.max_decompressed_mb * MB
    total = 0
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        names = _sheet_names(book)
        for info in book.infolist():
            sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            max_row = max_col = rows_present = 0
            tail = b""
            with book.open(info) as member:
                while True:
                    chunk = member.read(_CHUNK)
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > budget:
                        raise FileRejected("too_large_unpacked", limit_mb=limits.max_decompressed_mb,
                                           packed_mb=len(data) / MB)
                    if sheet:
                        window = tail + chunk
                        for m in _ROW_REF.finditer(chunk):   # counted once: rows of this chunk only
                            rows_present += 1
                        for m in _ROW_REF.finditer(window):
                            max_row = max(max_row, int(m.group(1)))
                        for m in _CELL_REF.finditer(window):
                            max_col = max(max_col, _column_number(m.group(1)))
                            max_row = max(max_row, int(m.group(2)))
                        tail = window[-256:]
            if sheet:
                _check_range(names.get(info.filename, Path(info.filename).stem), max_row, max_col, rows_present,
                             limits)
    except FileRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise FileRejected("bad_excel", detail=f"压缩结构损坏（{type(exc).__name__}）") from None


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]+)\"")
_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?\bId=\"([^\"]+)\"[^>]*?\bTarget=\"([^\"]+)\"")


def _sheet_names(book: zipfile.ZipFile, limit_bytes: int = 4 * MB) -> dict[str, str]:
    """Worksheet member -> the name the user sees (Sheet1, 案件), for the messages; small files only."""
    try:
        with book.open("xl/workbook.xml") as f:
            workbook = f.read(limit_bytes)
        with book.open("xl/_rels/workbook.xml.rels") as f:
            rels = f.read(limit_bytes)
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    targets = {rid: target.decode("utf-8", "replace").lstrip("/") for rid, target in _REL.findall(rels)}
    out = {}
    for name, rid in _SHEET.findall(workbook):
        target = targets.get(rid)
        if target:
            member = target if target.startswith("xl/") else f"xl/{target}"
            out[member] = name.decode("utf-8", "replace")
    return out


# A used range this tall that is mostly empty rows is rejected whatever the limits: Excel readers
# materialise every row of the range (a 7 KB sheet reaching row 1,048,576 took 1.5 GB).
SPARSE_MIN_ROWS = 100_000
SPARSE_MAX_EMPTY_SHARE = 0.9


def _check_range(name: str, rows: int, columns: int, rows_present: int, limits: InputLimits) -> None:
    if rows > limits.max_rows + 10:
        raise FileRejected("too_many_rows_sheet", sheet=name, rows=rows, limit=limits.max_rows)
    if rows > SPARSE_MIN_ROWS and rows_present < rows * (1 - SPARSE_MAX_EMPTY_SHARE):
        raise FileRejected("sparse_sheet", sheet=name, rows=rows, present=rows_present)
    if rows * max(columns, 1) > limits.max_cells:
        raise FileRejected("too_many_cells", rows=rows, columns=columns, cells=rows * columns,
                           limit=limits.max_cells)
