"""A page's own state in the query string (the filters own theirs, ui.filters.FILTER_KEYS), so a
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


def drilldown_params(current: dict[str, str], set_flag: str) -> dict[str, str]:
    """Query parameters for a link from a KPI number to the cases behind it (pages/cases.py): the
    current filters plus `set`. Use: st.page_link("pages/cases.py", label="查看案件",
    query_params=drilldown_params(st.query_params.to_dict(), kpi.numerator_set))."""
    from ui.filters import FILTER_KEYS

    return {k: v for k, v in current.items() if k in FILTER_KEYS} | {"set": set_flag}
