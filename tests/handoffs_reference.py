"""The definition scoped_handoffs had before case_handoffs was built at publish (queries/sql/_scoped.sql,
until SCHEMA_VERSION 8): window functions over every dispatch step of every scoped case; and the
`dispatched` part of handoff_units.sql before case_dispatches (every step of every scoped case). Kept as
the reference the built tables must reproduce (tests/test_case_handoffs.py) and the "before" of
benchmarks/bench_handoffs.py. JOINED: the built tables joined to scoped_cases for access and filters
(SCHEMA_VERSION 8–9, before the tables held the case's codes), the benchmark's middle column."""
from __future__ import annotations

from contextlib import contextmanager

from queries import runner

REFERENCE = """scoped_handoffs AS (
    SELECT case_id, from_unit_code, to_unit_code, from_at, to_at, hop,
           coalesce(list_contains(earlier_units, to_unit_code), false) AS is_return
    FROM (
        SELECT d.case_id, d.unit_code AS to_unit_code, d.step_at AS to_at,
               lag(d.unit_code) OVER w AS from_unit_code, lag(d.step_at) OVER w AS from_at,
               row_number() OVER w - 1 AS hop,
               list(d.unit_code) OVER (PARTITION BY d.case_id ORDER BY d.seq
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_units
        FROM case_steps d
        JOIN scoped_cases c ON c.case_id = d.case_id
        LEFT JOIN (SELECT case_id, min(step_at) AS handled_at FROM case_steps WHERE step = 'handle'
                   GROUP BY case_id) h ON h.case_id = d.case_id
        WHERE d.step = 'dispatch' AND d.unit_code IS NOT NULL
          AND (h.handled_at IS NULL OR d.step_at < h.handled_at)
        WINDOW w AS (PARTITION BY d.case_id ORDER BY d.seq)
    )
    WHERE from_unit_code IS NOT NULL AND from_unit_code <> to_unit_code
),
"""


DISPATCHED_NOW = """    -- each (case, unit) once: on its first dispatch in the window (none of the unit's before it inside)
    SELECT unit_code, count(*) AS dispatched_cases
    FROM scoped_case_dispatches, win
    WHERE dispatched_at >= win.start_at AND dispatched_at < win.end_at
      AND (prev_dispatched_at IS NULL OR prev_dispatched_at < win.start_at)
"""
DISPATCHED_BEFORE = """    SELECT unit_code, count(DISTINCT case_id) AS dispatched_cases
    FROM scoped_case_steps, win
    WHERE step = 'dispatch' AND unit_code IS NOT NULL AND step_at >= win.start_at AND step_at < win.end_at
"""


JOINED = """scoped_handoffs AS (
    SELECT h.case_id, h.from_unit_code, h.to_unit_code, h.from_at, h.to_at, h.hop, h.is_return
    FROM case_handoffs h
    JOIN scoped_cases c ON c.case_id = h.case_id
),
scoped_case_dispatches AS (
    SELECT d.case_id, d.unit_code, d.dispatched_at, d.prev_dispatched_at
    FROM case_dispatches d
    JOIN scoped_cases c ON c.case_id = d.case_id
),
"""


@contextmanager
def _reading(relations: str, rewrite_body=None):
    """Within the block, every query composed by queries.runner reads scoped_handoffs (and what follows it
    up to scoped_case_reporters) as `relations`, and each query file through rewrite_body(name, text)."""
    original = runner.load_sql

    def load(name: str) -> str:
        text = original(name)
        if name != "_scoped":
            return rewrite_body(name, text) if rewrite_body else text
        start = text.index("scoped_handoffs AS (")
        end = text.index("-- One row per scoped case with a reporter")
        return text[:start] + relations + text[end:]

    runner.compose.cache_clear()
    runner.compose_columns.cache_clear()
    runner.load_sql = load
    try:
        yield
    finally:
        runner.load_sql = original
        runner.compose.cache_clear()
        runner.compose_columns.cache_clear()


def joined_scoped_handoffs():
    """Within the block, scoped_handoffs and scoped_case_dispatches join the built tables to scoped_cases."""
    return _reading(JOINED)


def _dispatched_from_steps(name: str, text: str) -> str:
    if name != "handoff_units":
        return text
    if DISPATCHED_NOW not in text:
        raise AssertionError("handoff_units.sql changed: update DISPATCHED_NOW")
    return text.replace(DISPATCHED_NOW, DISPATCHED_BEFORE)


def original_scoped_handoffs():
    """Within the block, every query composed by queries.runner reads scoped_handoffs as REFERENCE, and
    handoff_units counts dispatched cases from the steps as it did."""
    return _reading(REFERENCE, _dispatched_from_steps)
