"""Readers of tabular files (CSV/TSV text, Excel) into one shape, RawTable: every record as strings,
with the line it came from and a way to get its raw text back for the rejects table.

CSV is read by pyarrow (multithreaded C++) when every physical line is exactly one record (the
usual case); otherwise, for quoted line breaks, blank lines or rows with the wrong number of
fields, by Python's csv module, which knows each record's lines. Both give the same RawTable.
Excel is read by python-calamine with cell types: an integer-valued number becomes its digits,
a number too big to hold 16 digits keeps its float form (1.1010119900307e+17) so the ID checks
see that digits were lost, and a date cell becomes ISO text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from data.ingest.normalise import clean_value
from data.ingest.reasons import FileRejected

HEADER_SEARCH_ROWS = 10
DELIMITERS = (",", "\t", ";", "|")
# Above this magnitude a float cannot hold every digit of an integer (Excel keeps 15 significant digits).
EXACT_INT_LIMIT = 1e15


@dataclass
class RawTable:
    header: list[str]                # cleaned column names, in file order
    frame: pd.DataFrame              # one string column per header entry ('' when empty)
    line: np.ndarray                 # line (Excel: row) number of each record, 1-based
    width: np.ndarray                # number of fields of each record as it came
    raw_text: Callable[[np.ndarray], list[str]]   # positions -> the records' raw text
    notes: list[str] = field(default_factory=list)
    header_line: int = 1
    row_problem: np.ndarray | None = None         # reason code of a record that is not a record ('' = fine)
    numeric: dict[str, np.ndarray] = field(default_factory=dict)  # Excel: column -> cells that were numbers

    @property
    def rows(self) -> int:
        return len(self.frame)


def _choose_header(rows: list[list[str]], known: set[str]) -> int:
    """Index of the header among the first rows: the one naming most known columns (a title line
    above the header is common in Chinese exports); 0 when none names two."""
    best, best_hits = 0, 1
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len({clean_value(str(c)) for c in row} & known)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def _clean_header(cells: Iterable) -> list[str]:
    names = []
    for i, c in enumerate(cells):
        name = clean_value("" if c is None else str(c))
        names.append(name or f"(第{i + 1}列)")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise FileRejected("duplicate_columns", columns="、".join(dupes))
    return names


def _physical_lines(text: str) -> list[str]:
    return io.StringIO(text, newline="").readlines()


def _delimiter(line: str) -> str:
    counts = {d: len(next(csv.reader([line], delimiter=d))) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], d == ","))


def _line_ends(data: bytes, start: int, count: int) -> list[int]:
    """Offsets just past each of the next `count` line endings from `start` (\r\n, \n or \r)."""
    ends, pos = [], start
    while len(ends) < count and pos < len(data):
        n = data.find(b"\n", pos)
        r = data.find(b"\r", pos, n if n != -1 else len(data))
        if r != -1 and (n == -1 or r < n):
            pos = r + 2 if data.startswith(b"\r\n", r) else r + 1
        elif n != -1:
            pos = n + 1
        else:
            pos = len(data)
        ends.append(pos)
    return ends


def read_delimited(utf8: bytes, known: set[str], *, max_field_chars: int = 32_767) -> RawTable:
    """RawTable of CSV/TSV text given as UTF-8 bytes (decode.decode_utf8). A field longer than
    `max_field_chars` rejects the file (FileRejected field_too_long), whichever reader meets it."""
    csv.field_size_limit(max_field_chars)
    ends = _line_ends(utf8, 0, HEADER_SEARCH_ROWS)
    starts = [0] + ends[:-1]
    head_lines = [utf8[a:b].decode("utf-8").rstrip("\r\n") for a, b in zip(starts, ends)]
    try:
        delimiter = _delimiter(head_lines[0] if head_lines else "")
        head_rows = [next(csv.reader([ln], delimiter=delimiter), []) for ln in head_lines]
    except csv.Error as exc:
        raise _csv_problem(exc, line=1 + next((i for i, ln in enumerate(head_lines) if len(ln) > max_field_chars), 0),
                           limit=max_field_chars) from None
    h = _choose_header(head_rows, known) if head_rows else 0
    header = _clean_header(head_rows[h] if head_rows else [])
    notes = [f"表头在第 {h + 1} 行，其上 {h} 行（标题等）未导入"] if h else []
    offset = ends[h] if ends else len(utf8)
    first_line = h + 2
    table = _read_fast(utf8, offset, len(header), delimiter)
    if table is not None:
        _check_field_lengths(table, first_line, max_field_chars)
        frame = pd.DataFrame({name: pd.Series(table.column(i), dtype="str") for i, name in enumerate(header)}) \
            if table.num_rows else _empty(header)
        n = len(frame)
        line = np.arange(first_line, first_line + n, dtype=np.int64)
        width = np.full(n, len(header), dtype=np.int64)
        cache: list[list[bytes]] = []

        def raw_text(pos: np.ndarray) -> list[str]:
            if not cache:
                cache.append(utf8.split(b"\n"))
            lines = cache[0]
            return [lines[int(line[p]) - 1].decode("utf-8").rstrip("\r") for p in pos]
    else:
        text = utf8.decode("utf-8")
        body_start = len(utf8[:offset].decode("utf-8"))
        frame, line, width, spans = _read_slow(text[body_start:], header, delimiter, first_line, max_field_chars)
        lines_cache: list[str] = []

        def raw_text(pos: np.ndarray) -> list[str]:
            if not lines_cache:
                lines_cache.extend(_physical_lines(text))
            return ["".join(lines_cache[int(spans[p][0]) - 1:int(spans[p][1])]).rstrip("\r\n") for p in pos]

    table = RawTable(header, frame, line, width, raw_text, notes, header_line=h + 1)
    return drop_blank_records(table)


def _empty(header: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype="str") for name in header})


def _read_fast(utf8: bytes, offset: int, n_cols: int, delimiter: str) -> pa.Table | None:
    """pyarrow's reader, valid only when each physical line is one well-formed record."""
    names = [f"c{i}" for i in range(n_cols)]
    if offset >= len(utf8):
        return pa.table({c: pa.array([], pa.string()) for c in names})
    if utf8.count(b"\r", offset) != utf8.count(b"\r\n", offset):
        return None  # lone carriage returns: let the csv module count lines
    n_lines = utf8.count(b"\n", offset) + (0 if utf8.endswith(b"\n") else 1)
    invalid = []

    def on_invalid(row):
        invalid.append(row.number)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(utf8).slice(offset)),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False,
                                             ignore_empty_lines=False, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    if invalid or table.num_rows != n_lines:
        return None
    return table


def _csv_problem(exc: csv.Error, *, line: int, limit: int) -> FileRejected:
    if "field larger than field limit" in str(exc):
        return FileRejected("field_too_long", line=line, limit=limit)
    return FileRejected("binary_file", detail=f"CSV 结构无法解析：{exc}")


def _check_field_lengths(table: pa.Table, first_line: int, limit: int) -> None:
    import pyarrow.compute as pc

    for column in table.columns:
        if not len(column):
            continue
        lengths = pc.utf8_length(column)
        longest = pc.max(lengths).as_py() or 0
        if longest > limit:
            row = int(np.argmax(lengths.to_numpy(zero_copy_only=False)))
            raise FileRejected("field_too_long", line=first_line + row, limit=limit)


def _read_slow(body: str, header: list[str], delimiter: str, first_line: int, max_field_chars: int = 32_767):
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    n_cols = len(header)
    columns: list[list[str]] = [[] for _ in range(n_cols)]
    lines, widths, spans = [], [], []
    prev = 0
    try:
        for row in reader:
            start, end = first_line + prev, first_line + reader.line_num - 1
            prev = reader.line_num
            if not row:
                continue  # a blank line is not a record
            lines.append(start)
            spans.append((start, end))
            widths.append(len(row))
            if len(row) != n_cols:
                row = [""] * n_cols
            for i in range(n_cols):
                columns[i].append(row[i])
    except csv.Error as exc:
        raise _csv_problem(exc, line=first_line + prev, limit=max_field_chars) from None
    frame = pd.DataFrame({name: pd.Series(col, dtype="str") for name, col in zip(header, columns)})
    return frame, np.asarray(lines, dtype=np.int64), np.asarray(widths, dtype=np.int64), spans


def drop_blank_records(table: RawTable) -> RawTable:
    """Records whose every field is empty are not records (blank Excel rows, ',,,' lines): dropped,
    and the count is noted."""
    if table.rows == 0:
        return table
    blank = np.ones(table.rows, dtype=bool)
    for name in table.header:
        blank &= (table.frame[name].str.strip() == "").to_numpy()
    blank &= table.width == len(table.header)
    if table.row_problem is not None:
        blank &= table.row_problem == ""
    if not blank.any():
        return table
    keep = np.flatnonzero(~blank)
    raw_text = table.raw_text
    table.notes.append(f"跳过全空的行 {int(blank.sum())} 行")
    return RawTable(table.header, table.frame.iloc[keep].reset_index(drop=True), table.line[keep],
                    table.width[keep], lambda pos: raw_text(keep[np.asarray(pos, dtype=np.int64)]), table.notes,
                    table.header_line, None if table.row_problem is None else table.row_problem[keep],
                    {k: v[keep] for k, v in table.numeric.items()})


# ───────────────────────── Excel ─────────────────────────

def cell_text(value) -> str:
    """One typed Excel cell as text (see the module docstring for numbers and dates)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer() and abs(value) < EXACT_INT_LIMIT:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds() / 86400)
    return str(value)


def read_excel(data: bytes, known: set[str]) -> RawTable:
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names]
    except Exception as exc:  # calamine raises its own error types for broken or encrypted books
        raise FileRejected("bad_excel", detail=f"{type(exc).__name__}: {str(exc)[:200]}") from None
    chosen = None
    for name, rows in sheets:
        if not rows:
            continue
        texts = [[cell_text(v) for v in r] for r in rows[:HEADER_SEARCH_ROWS]]
        h = _choose_header(texts, known)
        hits = len({clean_value(c) for c in texts[h]} & known)
        if chosen is None or hits > chosen[3]:
            chosen = (name, rows, h, hits)
    if chosen is None:
        raise FileRejected("no_sheet")
    name, rows, h, _ = chosen
    notes = []
    if len(sheets) > 1:
        notes.append(f"工作簿有 {len(sheets)} 个工作表，已导入“{name}”")
    if h:
        notes.append(f"表头在第 {h + 1} 行，其上 {h} 行（标题等）未导入")
    header_cells = [cell_text(v) for v in rows[h]]
    while header_cells and not header_cells[-1].strip():
        header_cells.pop()
    header = _clean_header(header_cells)
    n_cols = len(header)
    body = rows[h + 1:]
    overflow = sum(1 for r in body if any(cell_text(v).strip() for v in r[n_cols:]))
    if overflow:
        notes.append(f"{overflow} 行在表头以外的列中有内容，这些列没有列名，未导入")
    columns = [[cell_text(r[i]) if i < len(r) else "" for r in body] for i in range(n_cols)]
    numeric = {nm: np.array([i < len(r) and isinstance(r[i], (int, float)) and not isinstance(r[i], bool)
                             for r in body], dtype=bool) for i, nm in enumerate(header)}
    frame = pd.DataFrame({nm: pd.Series(col, dtype="str") for nm, col in zip(header, columns)}) if body else _empty(header)
    line = np.arange(h + 2, h + 2 + len(body), dtype=np.int64)

    def raw_text(pos: np.ndarray) -> list[str]:
        return ["\t".join(cell_text(v) for v in body[int(p)]).rstrip("\t") for p in pos]

    table = RawTable(header, frame, line, np.full(len(body), n_cols, dtype=np.int64), raw_text, notes, h + 1,
                     numeric=numeric)
    return drop_blank_records(table)
