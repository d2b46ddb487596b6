"""One way to show a table: Chinese headers, formats by column kind, and the same table as Excel
and CSV downloads (ui.export). Pages declare columns once; screen and files cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from queries.scope import Scope
from ui import cache
from ui.export import render_downloads
from ui.result_cache import Shared

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
    return out, excel_kinds(columns)


def excel_kinds(columns: dict[str, Col]) -> dict[str, str]:
    """Exported header -> ui.export.EXCEL_FORMATS key."""
    return {c.label: _EXCEL_KIND[c.kind] for c in columns.values()}


def prepared_frames(frame: pd.DataFrame, columns: dict[str, Col]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the frame as shown: declared columns only, a fresh range index; the frame as exported)."""
    return frame[list(columns)].reset_index(drop=True), export_frame(frame, columns)[0]


def _held_frames(frame: pd.DataFrame, columns: dict[str, Col]) -> tuple[Shared, pd.DataFrame]:
    """prepared_frames with the shown frame already as the Arrow table st.dataframe would make of it
    (Streamlit's own converter, so the bytes sent are the same): st.dataframe serialises a pyarrow
    Table as it is, where a pandas frame is converted column by column on every call (half of what
    the tables cost a cached rerun). An Arrow table is immutable: shared, never copied."""
    shown, data = prepared_frames(frame, columns)
    arrow = dataframe_util.convert_pandas_df_to_arrow_table(shown)
    return Shared(arrow, arrow.nbytes), data


def render_table(frame: pd.DataFrame, columns: dict[str, Col], *, basename: str, key: str,
                 height: int | str = "auto", select_row: bool = False, downloads: bool = True,
                 sheet_name: str | None = None, held: tuple[str, Scope] | None = None):
    """Shows only the declared columns (nothing else reaches the browser) and the download buttons.
    With select_row, returns the selection event of a single-row selectable table. With `held` =
    (name, scope), `frame` must be a function of (scope, snapshot) alone (a cached query result, or one
    built from them): its shown and exported frames are then prepared once per (name, scope, snapshot,
    columns) and kept in the result store (cache.derived), not on every rerun: selecting, renaming and
    converting 党建·志愿's six tables to Arrow was about half of its page code's cached rerun (py-spy,
    docs/performance.md 6g)."""
    if held is None:
        shown, data = prepared_frames(frame, columns)
    else:
        name, scope = held
        arrow, data = cache.derived(f"table:{name}", scope, tuple(columns.items()),
                                    lambda: _held_frames(frame, columns))
        shown = arrow.value
    config = {k: _column_config(c) for k, c in columns.items()}
    kwargs = dict(hide_index=True, column_config=config, height=height, key=key, width="stretch", placeholder="—")
    if select_row:
        kwargs |= dict(on_select="rerun", selection_mode="single-row")
    event = st.dataframe(shown, **kwargs)
    if downloads:
        render_downloads(data, basename, sheet_name=sheet_name, kinds=excel_kinds(columns), key=f"{key}_dl")
    return event
