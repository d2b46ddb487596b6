"""Hostile import files and what each costs: python -m benchmarks.hostile_files [--out DIR]

Generates the corpus (zip bombs, a sheet declaring a million rows, CSV fields of 1 and 50 MB,
JSON and XML nested 100,000 deep, NUL bytes after the first 64 KB, too many rows and cells), then
imports each file in a fresh process (`python -m data.ingest`), as the page's worker would, and
prints per file: size, the reason code the importer gave, whether a traceback appeared, and the
process's peak resident memory. Baseline in the same run: the same importer on a good 5,000-row
file. tests/test_ingest_limits.py imports the generators; its slow test runs this whole script.
"""
from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADER = ["案件编号", "上报时间", "案件状态", "问题描述", "所属区县"]
_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                  '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                  'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                  'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                  'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               'spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return '<row r="1">' + "".join(_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADER)) + "</row>"


def _xlsx(write_sheet) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD.encode())
            write_sheet(sheet)
            sheet.write(_SHEET_TAIL.encode())
    return buf.getvalue()


def zip_bomb_xlsx(unpacked_mb: int) -> bytes:
    """A workbook whose one sheet decompresses to `unpacked_mb` MB: rows of one long repeated cell."""
    text = "填" * 2000
    row_bytes = len(_cell("A2", text).encode()) + 30
    rows = unpacked_mb * 1024 * 1024 // row_bytes + 1

    def write(sheet):
        sheet.write(_header_row().encode())
        for r in range(2, rows + 2):
            sheet.write(f'<row r="{r}">{_cell(f"A{r}", text)}</row>'.encode())
    return _xlsx(write)


def empty_rows_xlsx(last_row: int = 1_048_576) -> bytes:
    """A few KB: a header, one case, and one blank-looking cell on the sheet's last row."""
    def write(sheet):
        sheet.write(_header_row().encode())
        sheet.write(('<row r="2">' + _cell("A2", "SJ0001") + _cell("B2", "2026-10-01 09:00:00") + "</row>").encode())
        sheet.write(f'<row r="{last_row}">{_cell(f"A{last_row}", " ")}</row>'.encode())
    return _xlsx(write)


def csv_long_field(field_mb: float) -> bytes:
    head = ",".join(HEADER) + "\n"
    row = 'SJ0001,2026-10-01 09:00:00,已受理,"' + "长" * int(field_mb * 1024 * 1024 / 3) + '",资阳区\n'
    return (head + row).encode("utf-8")


def csv_unclosed_quote(rows: int = 20_000) -> bytes:
    """A quote opened and never closed: the rest of the file becomes one field."""
    lines = [",".join(HEADER)] + [f"SJ{i:06d},2026-10-01 09:00:00,已受理,路灯不亮,资阳区" for i in range(rows)]
    lines[2] = 'SJ000001,2026-10-01 09:00:00,已受理,"路灯不亮,资阳区'
    return ("\n".join(lines) + "\n").encode("utf-8")


def json_deep(depth: int = 100_000) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def xml_deep(depth: int = 100_000) -> bytes:
    return ("<a>" * depth + "</a>" * depth).encode()


def csv_nul_after(offset: int = 70_000) -> bytes:
    lines, size = [",".join(HEADER)], 0
    i = 0
    while size < offset:
        line = f"SJ{i:06d},2026-10-01 09:00:00,已受理,路灯不亮,资阳区"
        lines.append(line)
        size += len(line.encode()) + 1
        i += 1
    lines.append("SJ999999,2026-10-01 09:00:00,已受理,路灯\x00不亮,资阳区")
    return ("\n".join(lines) + "\n").encode("utf-8")


def csv_many_rows(rows: int) -> bytes:
    return (",".join(HEADER) + "\n" + "SJ1,2026-10-01 09:00:00,已受理,x,资阳区\n" * rows).encode()


def corpus(*, large: bool = True) -> dict[str, bytes]:
    """name -> bytes. large=False leaves out the files that take seconds to generate."""
    files = {
        "empty_rows_1m.xlsx": empty_rows_xlsx(),
        "csv_field_1mb.csv": csv_long_field(1),
        "csv_unclosed_quote.csv": csv_unclosed_quote(),
        "json_deep_100k.json": json_deep(),
        "xml_deep_100k.xml": xml_deep(),
        "csv_nul_after_64k.csv": csv_nul_after(),
        "csv_1.1m_rows.csv": csv_many_rows(1_100_000),
    }
    if large:
        files |= {
            "zip_bomb_600mb.xlsx": zip_bomb_xlsx(600),
            "zip_bomb_2gb.xlsx": zip_bomb_xlsx(2048),
            "csv_field_50mb.csv": csv_long_field(50),
        }
    return files


# The child reports its own peak (VmHWM of its address space, which starts empty at exec): rusage's
# ru_maxrss of a child also carries the spawning process's resident size from before the exec.
_CHILD = ("import sys, atexit\n"
          "def _peak():\n"
          "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
          "    sys.stderr.write(f'PEAK_KB {hwm}\\n')\n"
          "atexit.register(_peak)\n"
          "from data.ingest.__main__ import main\n"
          "sys.exit(main(sys.argv[1:]))\n")


def measure(path: Path, db: Path, scratch: Path) -> dict:
    """Imports `path` in a fresh process: its output, exit status and peak resident memory (MB)."""
    out, err = scratch / "stdout.txt", scratch / "stderr.txt"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        code = subprocess.call([sys.executable, "-c", _CHILD, str(path), "--db", str(db)], cwd=ROOT,
                               env=os.environ | {"PYTHONPATH": str(ROOT)}, stdout=fo, stderr=fe)
    text = err.read_text("utf-8", "replace")
    peaks = [int(line.split()[1]) for line in text.splitlines() if line.startswith("PEAK_KB ")]
    return {"stdout": out.read_text("utf-8", "replace"), "stderr": text, "returncode": code,
            "peak_mb": peaks[-1] / 1024 if peaks else float("nan")}


def run(out_dir: Path, *, large: bool = True, print_=print) -> list[dict]:
    from data.ingest.sample import build_frame, write

    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    files = {"baseline_good_5000.csv": None} | corpus(large=large)
    for name, data in files.items():
        path = out_dir / name
        if data is None:
            write(build_frame(5_000, seed=3), path)
        else:
            path.write_bytes(data)
        db = out_dir / f"{path.stem}.duckdb"
        got = measure(path, db, out_dir)
        text, err = got["stdout"], got["stderr"]
        reason = text.split("导入失败（", 1)[1].split("）", 1)[0] if "导入失败（" in text else "complete"
        peak_mb = got["peak_mb"]
        rows.append({"file": name, "size_mb": path.stat().st_size / 1e6, "reason": reason,
                     "traceback": "Traceback" in err or "Traceback" in text, "peak_mb": peak_mb,
                     "message": text.strip().splitlines()[-1] if text.strip() else err.strip()[-200:]})
        path.unlink()
        for leftover in out_dir.glob(f"{path.stem}.*"):
            if leftover.is_dir():
                import shutil
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
    print_(f"{'file':<26}{'size MB':>9}  {'reason':<20}{'traceback':>10}{'peak MB':>9}")
    for r in rows:
        peak = f"{r['peak_mb']:.0f}"
        print_(f"{r['file']:<26}{r['size_mb']:>9.2f}  {r['reason']:<20}{str(r['traceback']):>10}{peak:>9}")
    peak = max(r["peak_mb"] for r in rows)
    print_(f"{len(rows) - 1} hostile files: {sum(r['traceback'] for r in rows)} tracebacks, "
           f"{sum(r['reason'] == 'complete' for r in rows[1:])} imported; peak resident memory of any import "
           f"{peak:.0f} MB (baseline good 5,000-row file {rows[0]['peak_mb']:.0f} MB)")
    for r in rows:
        print_(f"  {r['file']}: {r['message'][:160]}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--small", action="store_true", help="leave out the zip bombs and the 50 MB field")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="hostile-"))
    rows = run(out, large=not args.small)
    return 1 if any(r["traceback"] or (r["reason"] == "complete") for r in rows[1:]) else 0


if __name__ == "__main__":
    sys.exit(main())
