"""A page's own state in the query string (the filters own theirs, ui.filters.FILTER_PARAMS), so a
copied link reopens the same list, sort, page and case. Values read here are untrusted text:
callers validate them against allow-lists."""
from __future__ import annotations

import streamlit as st


def read_param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if value not in (None, "") else None


def write_param(name: str, value: str | int | None) -> None:
    """Sets `name` (None or "" removes it); writes only on a change."""
    if value is None or value == "":
        if name in st.query_params:
            del st.query_params[name]
        return
    if st.query_params.get(name) != str(value):
        st.query_params[name] = str(value)


def init_widget(key: str, value) -> None:
    """Seeds a widget's value from the URL the first time it is drawn (or after it was not drawn)."""
    if key not in st.session_state:
        st.session_state[key] = value
