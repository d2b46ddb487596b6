"""Date-time parsing against an explicit list of formats; nothing is guessed.

`pd.to_datetime(format="mixed")` reads 05/03/2024 as 3 May without a word and gives NaT for
2024年3月5日 and Excel serials (stack-facts.md). Here each value must match one of the mapping's
formats exactly; compact formats (%Y%m%d...) must have all their digits (202435 is not a date).
A value shaped like a/b/yyyy that no format accepts is reported as ambiguous when both a and b
could be the month. Excel serial numbers (days since 1899-12-30) are read where the mapping
allows them. ISO 8601 values with a UTC offset keep their wall-clock time (the source's local
time), or are converted to the mapping's timezone when it names one.
Results are naive local timestamps at microsecond precision.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from data.ingest.normalise import to_arrow

# Typed date cells of Excel files arrive in this form (tables.py): accepted whatever the mapping says.
TYPED_CELL_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d")
_SLASHED = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T].*)?$")
# Five-digit serials only (1927-05-18 .. 2173-10-14): a longer or shorter number is not a date here.
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})$")
EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "us")


@dataclass(frozen=True)
class Parsed:
    values: pd.Series    # datetime64[us], NaT where empty or bad
    problem: pd.Series   # '' | 'date_unparseable' | 'date_ambiguous' (object)


def parse_datetimes(values: pd.Series, formats: tuple[str, ...] | list[str], *, allow_serial: bool = False,
                    timezone: str | None = None) -> Parsed:
    """Parse cleaned strings ('' = missing). Formats are tried in order; the first match wins."""
    s = values.astype(object).where(values.notna(), "").astype(str)
    n = len(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    todo = s != ""
    offsets = s[todo].str.match(_OFFSET)
    if offsets.any():
        out.loc[offsets[offsets].index] = _parse_offsets(s[offsets[offsets].index], timezone)
        todo &= ~s.index.isin(offsets[offsets].index)
    if todo.any():
        # DuckDB's strptime with the list of formats: the first format that matches wins, every
        # format must match the whole value (compact ones with all their digits), impossible
        # dates (2024-02-30) fail; vectorised in C++.
        cand = s[todo]
        fmts = list(formats) + [f for f in TYPED_CELL_FORMATS if f not in formats]
        con = duckdb.connect()
        try:
            con.register("vals", pa.table({"v": to_arrow(cand)}))
            parsed = con.sql("SELECT try_strptime(v, $formats)::TIMESTAMP AS t FROM vals",
                             params={"formats": fmts}).to_arrow_table().column(0)
        finally:
            con.close()
        parsed = pd.Series(parsed.to_numpy(zero_copy_only=False).astype("datetime64[us]"), index=cand.index)
        ok = parsed.notna()
        out.loc[parsed.index[ok]] = parsed[ok]
        todo.loc[parsed.index[ok]] = False
    if allow_serial and todo.any():
        cand = s[todo]
        cand = cand[cand.str.match(_SERIAL)]
        if not cand.empty:
            days = cand.astype(float)
            ok = days > 0
            seconds = np.rint(days[ok].to_numpy() * 86_400).astype("int64").astype("timedelta64[s]")  # nearest second
            out.loc[days.index[ok]] = (EXCEL_EPOCH + seconds).astype("datetime64[us]")
            todo.loc[days.index[ok]] = False
    problem = pd.Series("", index=s.index, dtype=object)
    if todo.any():
        bad = s[todo]
        problem.loc[bad.index] = "date_unparseable"
        m = bad.str.extract(_SLASHED)
        both_month = m[0].notna() & (m[0].astype(float) <= 12) & (m[1].astype(float) <= 12) & (m[0] != m[1])
        problem.loc[both_month[both_month].index] = "date_ambiguous"
    assert len(out) == n
    return Parsed(out, problem)


def _parse_offsets(values: pd.Series, timezone: str | None) -> pd.Series:
    if timezone:
        aware = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
        return aware.dt.tz_convert(timezone).dt.tz_localize(None).astype("datetime64[us]")
    wall = values.str.extract(_OFFSET)[0]
    return pd.to_datetime(wall, format="ISO8601", errors="coerce").astype("datetime64[us]")
