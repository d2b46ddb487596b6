"""Cleaning of codes, dates, names and numbers: NFKC, invisible characters removed, trimmed.

NFKC turns full-width digits, letters and punctuation into ASCII (２０２４ -> 2024, ：-> :) but
keeps zero-width spaces and stray BOMs, which are Unicode category Cf: those are removed too.
Free text (descriptions, opinions) is never passed through here: it is kept as it came.
Work is done once per distinct non-ASCII value (pyarrow dictionary encoding), so a million rows
with few distinct values cost little; an all-ASCII column only needs trimming (NFKC leaves ASCII
unchanged).
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Cf (format) characters live in these blocks only (Unicode 15): scanning them is enough.
_CF_SCAN = (range(0x80, 0x20000), range(0xE0000, 0xE0080))


@lru_cache(maxsize=1)
def _cf_table() -> dict[int, None]:
    return {c: None for r in _CF_SCAN for c in r if unicodedata.category(chr(c)) == "Cf"}


def clean_value(value: str) -> str:
    """One value: NFKC, Cf characters removed, whitespace trimmed at both ends."""
    if value.isascii():
        return value.strip()
    return unicodedata.normalize("NFKC", value).translate(_cf_table()).strip()


def as_text(values: pd.Series) -> pd.Series:
    """A column as pandas' string dtype with missing values as ''."""
    values = values if values.dtype == "str" else values.astype("str")
    return values.fillna("") if values.hasnans else values


def to_arrow(values: pd.Series) -> pa.Array:
    """The column's strings as one Arrow array (zero-copy for pandas' Arrow-backed strings)."""
    if values.dtype == object:
        try:  # Python strings and None: converted in C, missing as ''
            return pc.fill_null(pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True), "")
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    arr = pa.array(as_text(values))
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def clean_series(values: pd.Series) -> pd.Series:
    """Vectorised clean_value over a column of strings (missing values become '')."""
    arr = to_arrow(values)
    if len(arr) == 0 or pc.all(pc.string_is_ascii(arr)).as_py() is not False:
        out = pc.utf8_trim_whitespace(arr)
    else:
        encoded = arr.dictionary_encode()
        cleaned = pa.array([clean_value(v) for v in encoded.dictionary.to_pylist()], type=arr.type)
        out = cleaned.take(encoded.indices)
    return pd.Series(out, index=values.index, dtype="str") if len(out) else pd.Series([], dtype="str")


def per_unique(values: pd.Series, fn) -> pd.Series:
    """fn applied once per distinct value (object Series in the same order): for parsers of
    columns with few distinct values over many rows."""
    encoded = to_arrow(values).dictionary_encode()
    results = [fn(v) for v in encoded.dictionary.to_pylist()]
    lookup = pd.Series(results + [None], dtype=object).to_numpy()
    idx = encoded.indices.to_numpy(zero_copy_only=False)
    return pd.Series(lookup[idx], index=values.index, dtype=object)


def unique_rows(frame: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """(inverse, uniques): each row's index into the distinct rows of `frame` (string columns),
    distinct rows in order of first appearance. Work on the few distinct rows, then take."""
    if len(frame) == 0:
        return np.zeros(0, dtype=np.int64), []
    parts = [to_arrow(frame[c]) for c in frame.columns]
    joined = pc.binary_join_element_wise(*parts, "\x1f") if len(parts) > 1 else parts[0]
    encoded = joined.dictionary_encode()
    uniques = [tuple(v.split("\x1f")) if len(parts) > 1 else (v,) for v in encoded.dictionary.to_pylist()]
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), uniques
