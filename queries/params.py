"""Untrusted parameter text (URL query strings) to numbers and dates, or None (security.md rule 16).

`str.isdigit()` accepts ² and ¹², and `int()` of 10,000 digits raises: a number in a URL is 1 to
`max_digits` ASCII digits within [low, high]. Date arithmetic overflows at year 1 and 9999: a date in
a URL is an ISO date within [MIN_DATE, MAX_DATE], far from both ends, so a window, the period before
it and the same period a year earlier are all computable.
"""
from __future__ import annotations

import re
from datetime import date

MIN_DATE = date(1970, 1, 1)
MAX_DATE = date(2099, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def ascii_int(text: str | None, low: int, high: int) -> int | None:
    """`text` as an int when it is ASCII digits only and low <= value <= high, else None."""
    if text is None:
        return None
    text = str(text)
    max_digits = len(str(high))
    if not (0 < len(text) <= max_digits) or not all("0" <= ch <= "9" for ch in text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def iso_date(text: str | None) -> date | None:
    """`text` as a date when it is YYYY-MM-DD (ASCII) between MIN_DATE and MAX_DATE, else None."""
    if text is None or not _ISO_DATE.fullmatch(str(text)):
        return None
    try:
        value = date.fromisoformat(str(text))
    except ValueError:
        return None
    return value if MIN_DATE <= value <= MAX_DATE else None
