"""Text formatting for pages: Chinese dates and durations, and the one escaper of data for markdown.

Every data-derived string (names from the database, file names, the city name, URL text, messages
quoting a file) goes through `md_escape` before it reaches anything Streamlit renders as markdown:
st.markdown / caption / title / success / error / warning, widget labels and tab names. Text that
may quote what a person typed goes through `md_untrusted` (the scrubber, then the escaper).
security.md rule 13."""
from __future__ import annotations

import re
from datetime import datetime

import pandas as pd

from data.privacy import scrub_text

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all keeps
# data text from becoming links, images, emphasis, Streamlit directives (:red[...]) or LaTeX ($).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:~$&^=\"'/@%;?,])")


def md_escape(text) -> str:
    """Data text made inert for st.markdown (names from the database, never trusted as markup)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return "—"
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def md_untrusted(text, limit: int | None = None) -> str:
    """Text that quotes what someone typed (a file name, a URL parameter, an import message):
    cut to `limit` characters (… marks a cut), unprintable characters as ?, personal numbers
    masked, then escaped for markdown."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return "—"
    text = str(text)
    cut = text if limit is None else text[:limit]
    cut = "".join(ch if ch.isprintable() else "?" for ch in cut)
    return md_escape(scrub_text(cut)) + ("…" if limit is not None and len(text) > limit else "")


def format_at(moment: datetime | None, *, with_year: bool = True) -> str:
    if moment is None or pd.isna(moment):
        return "—"
    return f"{pd.Timestamp(moment):%Y年%m月%d日 %H:%M}" if with_year else f"{pd.Timestamp(moment):%m月%d日 %H:%M}"


def format_duration(minutes: float | None) -> str:
    """Natural duration: 3天2小时 / 5小时12分 / 8分钟."""
    if minutes is None or pd.isna(minutes):
        return "—"
    minutes = int(minutes)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分" if mins else f"{hours}小时"
    return f"{mins}分钟"


def format_hours(hours: float | None) -> str:
    return "—" if hours is None or pd.isna(hours) else f"{hours:,.1f} 小时"


def format_days(days: float | None) -> str:
    return "—" if days is None or pd.isna(days) else f"{days:,.1f} 天"
