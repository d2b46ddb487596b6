"""One way to show a table: Chinese headers, formats by column kind, and the same table as Excel
and CSV downloads (ui.export). Pages declare columns once; screen and files cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ui.export import render_downloads

# Column kind -> ui.export.EXCEL_FORMATS key.
_EXCEL_KIND = {"count": "count", "decimal": "decimal", "hours": "decimal", "yuan": "decimal", "rate": "rate",
               "datetime": "datetime", "date": "date", "text": "text", "progress": "rate"}


@dataclass(frozen=True)
class Col:
    label: str
    kind: str = "text"          # text | count | decimal | hours | yuan | rate | progress | datetime | date
    help: str | None = None
    width: str | None = None    # "small" | "medium" | "large"


def _column_config(col: Col):
    common = dict(label=col.label, help=col.help, width=col.width)
    if col.kind == "count":
        return st.column_config.NumberColumn(format="localized", **common)
    if col.kind in ("decimal", "hours", "yuan"):
        return st.column_config.NumberColumn(format="%.1f", **common)
    if col.kind == "rate":
        return st.column_config.NumberColumn(format="percent", **common)
    if col.kind == "progress":
        return st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0, **common)
    if col.kind == "datetime":
        return st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm", **common)
    if col.kind == "date":
        return st.column_config.DateColumn(format="YYYY-MM-DD", **common)
    return st.column_config.TextColumn(**common)


def export_frame(frame: pd.DataFrame, columns: dict[str, Col]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The frame as exported: only the declared columns, Chinese headers; plus Excel kinds."""
    out = frame[list(columns)].rename(columns={k: c.label for k, c in columns.items()})
    return out, {c.label: _EXCEL_KIND[c.kind] for c in columns.values()}


def render_table(frame: pd.DataFrame, columns: dict[str, Col], *, basename: str, key: str,
                 height: int | str = "auto", select_row: bool = False, downloads: bool = True,
                 sheet_name: str | None = None):
    """Shows only the declared columns (nothing else reaches the browser) and the download buttons.
    With select_row, returns the selection event of a single-row selectable table."""
    shown = frame[list(columns)].reset_index(drop=True)
    config = {k: _column_config(c) for k, c in columns.items()}
    kwargs = dict(hide_index=True, column_config=config, height=height, key=key, width="stretch", placeholder="—")
    if select_row:
        kwargs |= dict(on_select="rerun", selection_mode="single-row")
    event = st.dataframe(shown, **kwargs)
    if downloads:
        data, kinds = export_frame(frame, columns)
        render_downloads(data, basename, sheet_name=sheet_name, kinds=kinds, key=f"{key}_dl")
    return event
