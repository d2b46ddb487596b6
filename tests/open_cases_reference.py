"""alert_cases.sql and overdue_counts.sql as they were before open_cases was built at publish (until
SCHEMA_VERSION 10): the alert strip judged every scoped case (scoped_cases: a scan of the whole table),
the live overdue count read overdue_open_cases (cases.overdue_from_at over every scoped case). Kept
verbatim as the reference the built table must reproduce (tests/test_open_cases.py) and the "before"
of benchmarks/bench_open_cases.py."""
from __future__ import annotations

from contextlib import contextmanager

from queries import runner

ALERT_CASES = """-- Open cases for the 临期 and 超期 alert rules at now: the share of the handling limit used (working
-- time since dispatch ÷ working time from dispatch to the handling deadline, while not yet handled and
-- before that deadline) and the working hours past the closing deadline.
-- Grain: one row per open case (not cancelled, shelved or 不予立案) that is near its handling deadline
-- (share >= $near_share) or past its closing deadline; the $limit most urgent (overdue longest first).
-- Parameters: the scope, $near_share, $limit, $office_starts, $office_ends, $office_day_minutes.
WITH open_cases AS (
    SELECT c.case_id, c.case_no, c.unit_code, c.category_code, c.street_code, c.dispatched_at, c.handled_at,
           c.handle_deadline_at, c.deadline_at, win.now_at
    FROM scoped_cases c, win
    WHERE c.closed_at IS NULL AND NOT c.is_cancelled AND NOT c.is_shelved AND c.status <> 'not_filed'
      AND (c.deadline_at < win.now_at
           OR (c.handled_at IS NULL AND c.dispatched_at IS NOT NULL AND c.handle_deadline_at > win.now_at))
),
clocked AS (
    SELECT o.*,
        -- working minutes at each moment (see queries/worktime_sql.py)
        wn.workdays_before * $office_day_minutes + CASE WHEN wn.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(o.now_at) * 60 + minute(o.now_at), p[2]) - p[1]))) ELSE 0 END AS now_min,
        wd.workdays_before * $office_day_minutes + CASE WHEN wd.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(o.dispatched_at) * 60 + minute(o.dispatched_at), p[2]) - p[1]))) ELSE 0 END AS dispatch_min,
        wh.workdays_before * $office_day_minutes + CASE WHEN wh.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(o.handle_deadline_at) * 60 + minute(o.handle_deadline_at), p[2]) - p[1]))) ELSE 0 END AS handle_min,
        wc.workdays_before * $office_day_minutes + CASE WHEN wc.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(o.deadline_at) * 60 + minute(o.deadline_at), p[2]) - p[1]))) ELSE 0 END AS close_min
    FROM open_cases o
    LEFT JOIN ref_workdays wn ON wn.cal_date = o.now_at::DATE
    LEFT JOIN ref_workdays wd ON wd.cal_date = o.dispatched_at::DATE
    LEFT JOIN ref_workdays wh ON wh.cal_date = o.handle_deadline_at::DATE
    LEFT JOIN ref_workdays wc ON wc.cal_date = o.deadline_at::DATE
),
judged AS (
    SELECT *,
        CASE WHEN handled_at IS NULL AND dispatched_at IS NOT NULL AND handle_deadline_at > now_at
                  AND handle_min > dispatch_min
             THEN (now_min - dispatch_min)::DOUBLE / (handle_min - dispatch_min) END AS handle_used_share,
        deadline_at < now_at AS is_overdue,
        -- NULL when a date is outside the calendar (greatest() would turn that into 0)
        CASE WHEN deadline_at < now_at THEN (CASE WHEN now_min < close_min THEN 0 ELSE now_min - close_min END) / 60.0
             END AS overdue_work_hours
    FROM clocked
)
SELECT j.case_id, j.case_no, j.unit_code, u.name AS unit_name, cat.minor_name, s.name AS street_name,
       j.handle_deadline_at, j.deadline_at, j.handle_used_share, j.is_overdue, j.overdue_work_hours
FROM judged j
LEFT JOIN scoped_units u ON u.unit_code = j.unit_code
LEFT JOIN ref_categories cat ON cat.category_code = j.category_code
LEFT JOIN scoped_areas s ON s.area_code = j.street_code
WHERE j.is_overdue OR j.handle_used_share >= $near_share
ORDER BY j.is_overdue DESC, j.overdue_work_hours DESC NULLS FIRST, j.handle_used_share DESC, j.case_id
LIMIT $limit;
"""

OVERDUE_COUNTS = """-- 超期未处置 per group, live: scoped cases open and past their closing deadline at $now (the window
-- does not apply). Grain: one row per group of $by as in kpi_counts.sql, only groups with such cases.
-- Parameters: the scope ($now), $by ('all' | 'unit' | 'district' | 'street' | 'community' | 'grid').
WITH per_group AS (
    SELECT CASE $by WHEN 'all' THEN 'all' WHEN 'unit' THEN unit_code WHEN 'district' THEN district_code
                    WHEN 'street' THEN street_code WHEN 'community' THEN community_code
                    WHEN 'grid' THEN grid_code END AS group_code,
        count(*) AS overdue_open_count
    FROM overdue_open_cases
    GROUP BY 1
)
SELECT p.*, n.name, n.peer_group, n.parent_code, n.population
FROM per_group p
LEFT JOIN kpi_group_names n
       ON n.group_kind = CASE $by WHEN 'unit' THEN 'unit' WHEN 'all' THEN NULL ELSE 'area' END
       AND n.group_code = p.group_code
WHERE p.group_code IS NOT NULL
ORDER BY p.group_code;
"""

REFERENCE = {"alert_cases": ALERT_CASES, "overdue_counts": OVERDUE_COUNTS}


@contextmanager
def original_open_case_queries():
    """Within the block, queries.runner composes alert_cases and overdue_counts from their original text."""
    original = runner.load_sql

    def load(name: str) -> str:
        return REFERENCE.get(name) or original(name)

    runner.compose.cache_clear()
    runner.compose_columns.cache_clear()
    runner.load_sql = load
    try:
        yield
    finally:
        runner.load_sql = original
        runner.compose.cache_clear()
        runner.compose_columns.cache_clear()
