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

import duckdb
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


_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_WORD = re.compile(r"\b[a-z_][a-z0-9_]*\b", re.IGNORECASE)


# `name AS (`, or `name AS [NOT] MATERIALIZED (`: DuckDB's hint for a relation read more than once.
_RELATION_HEAD = re.compile(r"([a-z_][a-z0-9_]*)\s+AS\s*(?:(?:NOT\s+)?MATERIALIZED\s*)?\(", re.IGNORECASE)


def split_ctes(prefix: str) -> list[tuple[str, str]]:
    """The prefix's relations in order, each as (name, its text with the comments just before it).
    A small scanner, not a parser: it knows -- comments, '...' strings and parentheses, which is all
    _scoped.sql uses; it raises on anything it does not recognise, so a change there cannot silently
    drop a relation."""
    match = _LEADING_WITH.match(prefix)
    if not match:
        raise ValueError("_scoped.sql must start with WITH")
    text, i, out, start = prefix, match.end(), [], match.end()
    while i < len(text):
        while True:                                   # whitespace, commas and comments between relations
            if text.startswith("--", i):
                i = text.find("\n", i)
                i = len(text) if i < 0 else i + 1
            elif i < len(text) and text[i] in " \t\r\n,":
                i += 1
            else:
                break
        if i >= len(text):
            break
        head = _RELATION_HEAD.match(text, i)
        if not head:
            raise ValueError(f"_scoped.sql: no relation at {text[i:i + 40]!r}")
        depth, j = 1, head.end()
        while depth:
            if j >= len(text):
                raise ValueError(f"_scoped.sql: relation {head.group(1)} is not closed")
            if text.startswith("--", j):
                j = text.find("\n", j)
                j = len(text) if j < 0 else j
            elif text[j] == "'":
                j = text.index("'", j + 1)
            elif text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
            j += 1
        out.append((head.group(1).lower(), text[start:j].lstrip(", \t\r\n")))
        i = start = j
    return out


# A string literal (matched first: its '--' is no comment) or a comment of SQL text; neither names a relation.
_LITERAL_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)


def _words(sql: str) -> set[str]:
    """The words of `sql` outside its comments and string literals: a relation named in a comment of
    another must not be pulled into the queries that read that other (a comment on scoped_cases naming
    the window made area_options read the window and the clock, and its cache key expire with the minute)."""
    return {w.lower() for w in _WORD.findall(_LITERAL_OR_COMMENT.sub(" ", sql))}


@lru_cache(maxsize=None)
def compose(name: str) -> str:
    """The scope prefix joined with query `name`'s body into one statement (see compose_text)."""
    return compose_text(load_sql(name))


@lru_cache(maxsize=2)
def _prefix_relations(prefix: str) -> tuple[tuple[tuple[str, str], ...], dict[str, frozenset[str]]]:
    """The prefix's relations (split_ctes) and, per relation, the other relations' names its text
    reads: once per process and prefix text. Scanning the 47 kB prefix and its words again for every
    query name cost 20–30 ms of CPU per name (10M snapshot, loaded machine), paid on the first view of
    every page a process had not served yet."""
    ctes = tuple(split_ctes(prefix))
    names = {n for n, _ in ctes}
    return ctes, {n: frozenset(w for w in _words(text) - {n} if w in names) for n, text in ctes}


def compose_text(body: str) -> str:
    """The scope prefix joined with `body` into one statement, keeping only the prefix's relations
    the body reads (directly or through another relation). DuckDB binds every relation of a WITH,
    used or not: the whole prefix cost ~50 ms of planning per query at any data size (issue 13), the
    pruned one a fraction; and some relations take their own parameters (the calibration model's
    quarter), which a statement that does not read them must not ask for. Which relations a body
    reaches is found by word outside comments; the definitions are the same text, so access and
    filters are enforced exactly as before, and a relation left out fails the query, never widens it.
    Tests and benchmarks that read a relation directly compose their SELECT with this, as queries do."""
    ctes, uses = _prefix_relations(load_sql("_scoped").rstrip())
    wanted, todo = set(), [w for w in _words(body) if w in uses]
    while todo:
        n = todo.pop()
        if n not in wanted:
            wanted.add(n)
            todo += [w for w in uses[n] if w in uses]
    kept = [text for n, text in ctes if n in wanted]
    match = _LEADING_WITH.match(body)
    if not kept:
        return body
    head = "WITH " + ",\n".join(kept)
    if match:
        return head + ",\n" + body[match.end():]
    return head + "\n" + body


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


@lru_cache(maxsize=1024)
def parsed(sql: str) -> duckdb.Statement:
    """The statement of `sql` as DuckDB's parser gives it, once per text and process. DuckDB parses a
    text on every execute: 4–5 ms of CPU for a query with the scope prefix (kpi_counts: 5 of its
    ~27 ms at 219k cases; overdue_counts 4 of 9), i.e. a third of the small queries' cost, paid again
    on every first view (docs/performance.md, the first view). A Statement passed to execute is
    copied by DuckDB before it is bound (the shared one is never changed), so every session and
    thread may run it with its own parameters (tests/test_runner_parsed.py)."""
    statements = duckdb.extract_statements(sql)
    if len(statements) != 1:
        raise ValueError(f"one statement per query, got {len(statements)}")
    return statements[0]


@lru_cache(maxsize=1024)
def parameters(sql: str) -> frozenset[str]:
    """The $names a statement reads (DuckDB's own parser). The scope's parameters are bound only
    where used: compose keeps only the relations a query reads, and DuckDB refuses a parameter the
    statement does not use. A query's own keyword parameters are passed as given (a stray one fails)."""
    return frozenset(parsed(sql).named_parameters)


def execute(cur, sql: str, params: dict):
    """`cur.execute(sql, params)`, with the parsed statement on a DuckDB cursor (no parse per run);
    other engines' cursors (queries/engines.py, which translate the text) get the text."""
    if isinstance(cur, duckdb.DuckDBPyConnection):
        return cur.execute(parsed(sql), params)
    return cur.execute(sql, params)


def fetch(source: CursorSource, name: str, scope: Scope, *, columns: tuple[str, ...] | None = None,
          **params) -> pd.DataFrame:
    """Run query `name` for `scope`; extra keyword arguments bind the query's own parameters.
    `columns`: only these output columns (see compose_columns); None for all."""
    sql = compose(name) if columns is None else compose_columns(name, tuple(columns))
    cur = source.cursor()
    try:
        return execute(cur, sql, bind(sql, scope, params)).df()
    finally:
        cur.close()


def bind(sql: str, scope: Scope, params: dict) -> dict:
    """The scope's parameters `sql` reads, and the query's own `params` as given."""
    used = parameters(sql)
    return {k: v for k, v in scope.params().items() if k in used} | params


def execute_text(con: duckdb.DuckDBPyConnection, body: str, scope: Scope, **params) -> duckdb.DuckDBPyConnection:
    """An ad-hoc statement over the scoped relations (tests and benchmarks that read a relation
    directly), composed and bound exactly as `fetch` composes and binds a query file."""
    sql = compose_text(body)
    return con.execute(sql, bind(sql, scope, params))
