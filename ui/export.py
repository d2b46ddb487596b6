"""Download buttons for any table: Excel (.xlsx, Chinese headers and sheet name, real number formats)
and CSV (UTF-8 with BOM, so Excel on Chinese Windows opens it correctly).

Exports write text as text (security.md rule 13): imported descriptions and names may start with
`=HYPERLINK(...)`. In .xlsx, XlsxWriter's string-to-formula and string-to-URL conversions are off,
so such a cell is a plain string; CSV has no types, so `inert_csv_frame` prefixes a quote to a text
field that a spreadsheet would read as a formula (as Superset and Kibana do).
"""
from __future__ import annotations

import io
import re
from datetime import datetime

import pandas as pd
import streamlit as st

from queries.numbers import rounded_rate

# Number formats by column kind; rates are stored 0..1 and shown as percentages.
EXCEL_FORMATS = {"rate": "0.00%", "count": "#,##0", "decimal": "#,##0.00", "datetime": "yyyy-mm-dd hh:mm",
                 "date": "yyyy-mm-dd", "text": "@"}


# Leading characters that make a spreadsheet read a CSV field as a formula (OWASP "CSV injection").
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
# Characters Excel forbids in a sheet name.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def inert_cell(value):
    """A text value a spreadsheet will show as text: a leading formula character gets a ' before
    it; a plain signed number ("-12.5") and non-text values are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def inert_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell (and column name) passed through `inert_cell`."""
    out = frame.rename(columns=lambda c: inert_cell(str(c)))
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(inert_cell)
    return out


def to_xlsx(frame: pd.DataFrame, sheet_name: str, kinds: dict[str, str] | None = None) -> bytes:
    """`frame` with Chinese column names already applied; kinds: column -> key of EXCEL_FORMATS."""
    kinds = kinds or {}
    buf = io.BytesIO()
    sheet = _SHEET_FORBIDDEN.sub("_", sheet_name)[:31].strip("'") or "数据"
    with pd.ExcelWriter(buf, engine="xlsxwriter", datetime_format="yyyy-mm-dd hh:mm",
                        date_format="yyyy-mm-dd", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        book, ws = writer.book, writer.sheets[sheet]
        header = book.add_format({"bold": True, "bg_color": "#E8EEF8", "border": 1})
        for i, col in enumerate(frame.columns):
            ws.write(0, i, str(col), header)
            fmt = book.add_format({"num_format": EXCEL_FORMATS[kinds[col]]}) if col in kinds else None
            width = min(40, max(8, len(str(col)) * 2 + 2,
                                int(frame[col].astype(str).str.len().fillna(0).quantile(0.9) if len(frame) else 0) + 2))
            ws.set_column(i, i, width, fmt)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
    return buf.getvalue()


def rates_as_shown(frame: pd.DataFrame, kinds: dict[str, str] | None) -> pd.DataFrame:
    """Rate columns rounded as the dashboard shows them (queries/numbers.py, the city's rule on the
    exact value), so a spreadsheet's 0.00% and a CSV reader both see the on-screen figure."""
    rates = [c for c, kind in (kinds or {}).items() if kind == "rate" and c in frame.columns]
    if not rates:
        return frame
    return frame.assign(**{c: frame[c].map(lambda v: rounded_rate(v) if pd.notna(v) else v) for c in rates})


def to_csv(frame: pd.DataFrame) -> bytes:
    # CRLF rows (RFC 4180): a bare \r inside a field is then quoted, never read as a new row whose
    # first field could start a formula.
    return inert_csv_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def render_downloads(frame: pd.DataFrame, basename: str, *, sheet_name: str | None = None,
                     kinds: dict[str, str] | None = None, key: str) -> None:
    """Two buttons side by side. `frame` must hold only what may be shown (masked already).
    Every download is written to the audit trail (who, role, IP, scope, page, file, rows) by the
    click's callback, which reruns the page once."""
    from ui.audit import record_download

    frame = rates_as_shown(frame, kinds)
    stamp = datetime.now().strftime("%Y%m%d_%H%M")
    xlsx_name, csv_name = f"{basename}_{stamp}.xlsx", f"{basename}_{stamp}.csv"
    # The files are written when a button is clicked (Streamlit calls `data` then), not on every
    # rerun: writing an .xlsx for each table was half of a cached rerun of 党建·志愿 (docs/performance.md).
    sheet = sheet_name or basename
    # A horizontal container keeps both buttons at their natural width in narrow columns too.
    with st.container(horizontal=True, gap="small"):
        st.download_button("下载 Excel", lambda: to_xlsx(frame, sheet, kinds), xlsx_name,
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/table_view:", key=f"{key}_xlsx", on_click=record_download,
                           args=(xlsx_name, "Excel", len(frame)))
        st.download_button("下载 CSV", lambda: to_csv(frame), csv_name, mime="text/csv",
                           icon=":material/download:", key=f"{key}_csv", on_click=record_download,
                           args=(csv_name, "CSV", len(frame)))
