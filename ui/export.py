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
from dataclasses import dataclass
from datetime import datetime, timedelta

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


def to_xlsx(frame: pd.DataFrame, sheet_name: str, kinds: dict[str, str] | None = None,
            title_lines: tuple[str, ...] = ()) -> bytes:
    """`frame` with Chinese column names already applied; kinds: column -> key of EXCEL_FORMATS;
    title_lines: rows of context written above the table (export_context)."""
    kinds = kinds or {}
    top = len(title_lines) + (1 if title_lines else 0)   # the title rows and one empty row
    buf = io.BytesIO()
    sheet = _SHEET_FORBIDDEN.sub("_", sheet_name)[:31].strip("'") or "数据"
    with pd.ExcelWriter(buf, engine="xlsxwriter", datetime_format="yyyy-mm-dd hh:mm",
                        date_format="yyyy-mm-dd", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False, startrow=top)
        book, ws = writer.book, writer.sheets[sheet]
        for r, line in enumerate(title_lines):
            ws.write_string(r, 0, inert_cell(line), book.add_format({"bold": r == 0}))
        header = book.add_format({"bold": True, "bg_color": "#E8EEF8", "border": 1})
        for i, col in enumerate(frame.columns):
            ws.write(top, i, str(col), header)
            fmt = book.add_format({"num_format": EXCEL_FORMATS[kinds[col]]}) if col in kinds else None
            width = min(40, max(8, len(str(col)) * 2 + 2,
                                int(frame[col].astype(str).str.len().fillna(0).quantile(0.9) if len(frame) else 0) + 2))
            ws.set_column(i, i, width, fmt)
        ws.freeze_panes(top + 1, 0)
        ws.autofilter(top, 0, top + max(len(frame), 1), max(len(frame.columns) - 1, 0))
    return buf.getvalue()


def rates_as_shown(frame: pd.DataFrame, kinds: dict[str, str] | None) -> pd.DataFrame:
    """Rate columns rounded as the dashboard shows them (queries/numbers.py, the city's rule on the
    exact value), so a spreadsheet's 0.00% and a CSV reader both see the on-screen figure."""
    rates = [c for c, kind in (kinds or {}).items() if kind == "rate" and c in frame.columns]
    if not rates:
        return frame
    return frame.assign(**{c: frame[c].map(lambda v: rounded_rate(v) if pd.notna(v) else v) for c in rates})


def to_csv(frame: pd.DataFrame, title_lines: tuple[str, ...] = ()) -> bytes:
    # CRLF rows (RFC 4180): a bare \r inside a field is then quoted, never read as a new row whose
    # first field could start a formula.
    table = inert_csv_frame(frame).to_csv(index=False, lineterminator="\r\n")
    head = pd.DataFrame({"": [inert_cell(line) for line in title_lines]}).to_csv(
        index=False, header=False, lineterminator="\r\n") + "\r\n" if title_lines else ""
    return (head + table).encode("utf-8-sig")


def render_downloads(frame: pd.DataFrame, basename: str, *, sheet_name: str | None = None,
                     kinds: dict[str, str] | None = None, key: str) -> None:
    """Two buttons side by side. `frame` must hold only what may be shown (masked already).
    Every file says what it is (export_context: page, period, filters, generation time, in a title
    row and in its name). Every download is written to the audit trail (who, role, IP, scope, page,
    file, rows) by the click's callback, which reruns the page once."""
    from ui.audit import record_download

    context = page_export_context()
    stem = file_stem(basename, context.name_parts)
    xlsx_name, csv_name = f"{stem}.xlsx", f"{stem}.csv"
    # The files are written when a button is clicked (Streamlit calls `data` then), not on every
    # rerun: writing an .xlsx for each table was half of a cached rerun of 党建·志愿 (docs/performance.md).
    sheet, lines = sheet_name or basename, context.lines
    # A horizontal container keeps both buttons at their natural width in narrow columns too.
    with st.container(horizontal=True, gap="small"):
        # Rates rounded as shown when a file is written (rates_as_shown), not on every rerun.
        st.download_button("下载 Excel", lambda: to_xlsx(rates_as_shown(frame, kinds), sheet, kinds, lines), xlsx_name,
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/table_view:", key=f"{key}_xlsx", on_click=record_download,
                           args=(xlsx_name, "Excel", len(frame)))
        st.download_button("下载 CSV", lambda: to_csv(rates_as_shown(frame, kinds), lines), csv_name, mime="text/csv",
                           icon=":material/download:", key=f"{key}_csv", on_click=record_download,
                           args=(csv_name, "CSV", len(frame)))


# ───────────── what a downloaded file says about itself ─────────────

_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
CONTEXT_KEY = "_export_context"   # session_state: (page title, Scope) of the page being drawn


@dataclass(frozen=True)
class ExportContext:
    lines: tuple[str, ...]        # title rows: page and period; filters; generated at
    name_parts: tuple[str, ...]   # for the file name: period, filters, time


def remember_page_context(page_title: str, scope) -> None:
    """Called by ui.app.setup_page: the page and the Scope every download of this run describes."""
    st.session_state[CONTEXT_KEY] = (page_title, scope)


def filter_texts(scope) -> list[str]:
    """Every filter of `scope` in words ("区域：资阳区", "来源：12345热线、市民随手拍"), names from the
    option lists the sidebar shows; an unknown code is shown as it is."""
    from ui import cache

    parts: list[str] = []
    areas = cache.get("area_options", scope)
    area_names = dict(zip(areas.area_code, areas.name))
    chosen = [area_names.get(c, c) for level in (scope.districts, scope.streets, scope.communities, scope.grids)
              for c in (level or ())]
    if chosen:
        parts.append("区域：" + " › ".join(chosen))
    cats = cache.get("category_options", scope)
    lists = [("部件/事件", scope.kinds, {"event": "事件", "component": "部件"}),
             ("大类", scope.majors, dict(zip(cats.major_code, cats.major_name))),
             ("小类", scope.categories, dict(zip(cats.category_code, cats.minor_name)))]
    sources = cache.get("source_options", scope)
    units = cache.get("unit_options", scope)
    lists += [("来源", scope.sources, dict(zip(sources.source_code, sources.name_zh))),
              ("责任单位", scope.units, dict(zip(units.unit_code, units.name)))]
    for label, codes, names in lists:
        if codes:
            parts.append(f"{label}：" + "、".join(names.get(c, c) for c in codes))
    return parts


def export_context(page_title: str | None = None, scope=None, generated_at: datetime | None = None) -> ExportContext:
    """Title rows and file-name parts of a download: the page, the period, every filter (or 全部)
    and when it was generated, so a file forwarded by e-mail still says what it is."""
    from data.config import load_city
    from ui.clock import now

    if page_title is None or scope is None:
        page_title, scope = st.session_state.get(CONTEXT_KEY, (page_title or "数据", scope))
    generated_at = generated_at or now()
    city = load_city()
    lines = [f"{city.centre_name} · {page_title}"]
    name_parts: list[str] = []
    if scope is not None:
        last = scope.end_date - timedelta(days=1)
        lines[0] += f" · 统计期 {scope.start_date:%Y年%m月%d日} 至 {last:%Y年%m月%d日}"
        name_parts.append(f"{scope.start_date:%Y%m%d}-{last:%Y%m%d}")
        filters = filter_texts(scope)
        lines.append("筛选：" + ("；".join(filters) if filters else "全部（未筛选）"))
        name_parts += [f.split("：", 1)[1].replace("、", "+")[:30] for f in filters]
        lines.append(f"数据范围：{scope.access.label}")
    lines.append(f"生成时间：{generated_at:%Y年%m月%d日 %H:%M}")
    name_parts.append(f"生成{generated_at:%Y%m%d_%H%M}")
    return ExportContext(tuple(lines), tuple(name_parts))


def page_export_context() -> ExportContext:
    """export_context() of the page being drawn, built once per (page, Scope, snapshot, minute) and
    shared by every download button of every rerun (each built it anew: four option lists per call)."""
    from ui import cache
    from ui.clock import now

    page_title, scope = st.session_state.get(CONTEXT_KEY, ("数据", None))
    if scope is None:
        return export_context()
    moment = now()
    return cache.derived("export_context", scope, (page_title, moment),
                         lambda: export_context(page_title, scope, moment))


def file_stem(basename: str, parts: tuple[str, ...]) -> str:
    """"排行榜_区县_处置率_20261108-20261207_资阳区_生成20261207_1530" (no characters a file system refuses)."""
    return _FILE_UNSAFE.sub("_", "_".join([basename, *parts]))[:150]
