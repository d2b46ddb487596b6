-- Calibration of 预计办结: of the cases dispatched in [$q_start, $q_end), how many closed within the
-- P90 predicted for them by the model as it stood at $q_start (closures of the $window_days before it),
-- with the same fallback (小类 × unit, then 小类, then 大类, each needing $min_volume closures).
-- Grain: one row per fallback level used, plus 'all'. Open cases count as late once past their P90;
-- open ones not yet past it are left out (undecided). Working time from the minutes clocked at publish
-- (cases.dispatch_work_minutes / close_work_minutes); only now is clocked here, once, for the open
-- cases: expected_calibration_clocked.sql's rows. Parameters: the scope, $q_start, $q_end,
-- $window_days, $min_volume, $office_starts, $office_ends, $office_day_minutes.
WITH now_clock AS (
    SELECT (e.workdays_before * $office_day_minutes + CASE WHEN e.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(win.now_at) * 60 + minute(win.now_at), p[2]) - p[1]))) ELSE 0 END
        ) AS now_minutes
    FROM win
    LEFT JOIN ref_workdays e ON e.cal_date = win.now_at::DATE
),
-- The model's closures and the quarter's cases are read apart, each with its own range (no OR, so each
-- scan skips the row groups outside its range; scoped_cases is NOT MATERIALIZED); a case may be in both.
-- not greatest(0, …): it skips NULLs, and a date outside the calendar must stay unknown
closures AS (
    SELECT unit_code, category_code, major_code, work_hours
    FROM (
        SELECT unit_code, category_code, major_code,
               CASE WHEN (close_work_minutes - dispatch_work_minutes) / 60.0 - deferred_hours < 0 THEN 0
                    ELSE (close_work_minutes - dispatch_work_minutes) / 60.0 - deferred_hours END AS work_hours
        FROM scoped_cases
        WHERE closed_at >= $q_start::TIMESTAMP - to_days($window_days::INTEGER) AND closed_at < $q_start::TIMESTAMP
          AND dispatched_at IS NOT NULL AND closed_at >= dispatched_at
          AND NOT is_cancelled AND NOT is_shelved AND NOT is_self_handled
    )
    WHERE work_hours IS NOT NULL
),
quarter_cases AS (
    SELECT unit_code, category_code, major_code, is_open, work_hours
    FROM (
        SELECT unit_code, category_code, major_code, is_open,
               CASE WHEN (end_minutes - dispatch_work_minutes) / 60.0 - deferred_hours < 0 THEN 0
                    ELSE (end_minutes - dispatch_work_minutes) / 60.0 - deferred_hours END AS work_hours
        FROM (
            -- an open case runs to now; a closure on a date outside the calendar stays unknown (NULL)
            SELECT c.*, c.closed_at IS NULL AS is_open,
                   CASE WHEN c.closed_at IS NULL THEN n.now_minutes ELSE c.close_work_minutes END AS end_minutes
            FROM scoped_cases c
            CROSS JOIN now_clock n
            WHERE c.dispatched_at >= $q_start::TIMESTAMP AND c.dispatched_at < $q_end::TIMESTAMP
              AND NOT c.is_cancelled AND NOT c.is_shelved AND NOT c.is_self_handled
        )
    )
    WHERE work_hours IS NOT NULL
),
-- The model per level as its own GROUP BY (not GROUPING SETS): DuckDB then estimates each a few
-- thousand rows and builds the joins below on them, not on the quarter's cases (0.6 s at 10M).
model_uc AS (
    SELECT unit_code, category_code, count(work_hours) AS cases, quantile_cont(work_hours, 0.9) AS hours_p90
    FROM closures GROUP BY unit_code, category_code
),
model_ca AS (
    SELECT category_code, count(work_hours) AS cases, quantile_cont(work_hours, 0.9) AS hours_p90
    FROM closures GROUP BY category_code
),
model_mj AS (
    SELECT major_code, count(work_hours) AS cases, quantile_cont(work_hours, 0.9) AS hours_p90
    FROM closures GROUP BY major_code
),
predicted AS (
    SELECT t.work_hours, t.is_open,
        CASE WHEN uc.cases >= $min_volume THEN 'unit_category' WHEN ca.cases >= $min_volume THEN 'category'
             WHEN mj.cases >= $min_volume THEN 'major' END AS level,
        CASE WHEN uc.cases >= $min_volume THEN uc.hours_p90 WHEN ca.cases >= $min_volume THEN ca.hours_p90
             WHEN mj.cases >= $min_volume THEN mj.hours_p90 END AS p90_hours
    FROM quarter_cases t
    LEFT JOIN model_uc uc ON uc.unit_code = t.unit_code AND uc.category_code = t.category_code
    LEFT JOIN model_ca ca ON ca.category_code = t.category_code
    LEFT JOIN model_mj mj ON mj.major_code = t.major_code
),
judged AS (
    SELECT level, work_hours <= p90_hours AS within_p90,
           is_open AND work_hours <= p90_hours AS undecided
    FROM predicted WHERE level IS NOT NULL
),
-- The 'all' row is a plain aggregate, not GROUP BY ROLLUP: over no rows DuckDB's ROLLUP gives a total
-- row and ClickHouse's none, while an aggregate without GROUP BY gives one row on both.
levels AS (
    SELECT level,
           count(*) FILTER (WHERE NOT undecided) AS cases,
           count(*) FILTER (WHERE within_p90 AND NOT undecided) AS within_p90,
           count(*) FILTER (WHERE undecided) AS undecided
    FROM judged
    GROUP BY level
    UNION ALL
    SELECT NULL AS level,
           coalesce(count(*) FILTER (WHERE NOT undecided), 0) AS cases,
           coalesce(count(*) FILTER (WHERE within_p90 AND NOT undecided), 0) AS within_p90,
           coalesce(count(*) FILTER (WHERE undecided), 0) AS undecided
    FROM judged
)
SELECT coalesce(level, 'all') AS level, cases, within_p90, undecided
FROM levels
ORDER BY level NULLS FIRST;
