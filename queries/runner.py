"""Runs one query file of queries/sql/ with the scope prefix and named parameters.

Every read of scoped data goes through `fetch`, which prepends _scoped.sql (the one place the
access and filter predicates live) and binds the Scope's parameters. Query files read
`scoped_cases`, `scoped_areas`, `scoped_communities`, `scoped_units` and `win`, never `cases`
directly (a test enforces this). Only constant SQL text from files is ever concatenated; values
are always `$name` parameters.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import pandas as pd

from queries.scope import Scope

SQL_DIR = Path(__file__).resolve().parent / "sql"
_LEADING_WITH = re.compile(r"^(?:\s*--[^\n]*\n)*\s*WITH\s", re.IGNORECASE)


class CursorSource(Protocol):
    def cursor(self): ...


@lru_cache(maxsize=None)
def load_sql(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"bad query name: {name!r}")
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def compose(name: str) -> str:
    """The scope prefix joined with the query body into one statement."""
    prefix = load_sql("_scoped").rstrip()
    body = load_sql(name)
    match = _LEADING_WITH.match(body)
    if match:
        return prefix + ",\n" + body[match.end():]
    return prefix + "\n" + body


_COLUMN = re.compile(r"[a-z][a-z0-9_]*")


@lru_cache(maxsize=512)
def compose_columns(name: str, columns: tuple[str, ...]) -> str:
    """Query `name` reduced to `columns`, rows ordered by the first of them. DuckDB then drops every
    aggregate and expression that only the other columns need: on 10M cases, the headline KPIs of
    kpi_counts cost a third of the whole file (benchmarks/bench_overview.py)."""
    if not columns or any(not _COLUMN.fullmatch(c) for c in columns):
        raise ValueError(f"bad column list: {columns!r}")
    quoted = ", ".join(f'"{c}"' for c in columns)
    body = compose(name).rstrip().removesuffix(";")
    return f'SELECT {quoted} FROM (\n{body}\n) AS q ORDER BY "{columns[0]}"'


def fetch(source: CursorSource, name: str, scope: Scope, *, columns: tuple[str, ...] | None = None,
          **params) -> pd.DataFrame:
    """Run query `name` for `scope`; extra keyword arguments bind the query's own parameters.
    `columns`: only these output columns (see compose_columns); None for all."""
    sql = compose(name) if columns is None else compose_columns(name, tuple(columns))
    cur = source.cursor()
    try:
        return cur.execute(sql, scope.params() | params).df()
    finally:
        cur.close()
