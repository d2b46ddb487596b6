-- Calibration of 预计办结: of the cases dispatched in [$q_start, $q_end), how many closed within the
-- P90 predicted for them by the model as it stood at $q_start (_scoped.sql calibration_cases: closures of
-- the $window_days before it, fallback 小类 × unit, then 小类, then 大类, each needing $min_volume closures).
-- Grain: one row per fallback level used, plus 'all'. Open cases count as late once their working time
-- to now passes their P90; open ones not yet past it are undecided. Closed cases per level and the open
-- ones come from the model ($built false) or, for a grant built at publish with these parameters ($built
-- true, queries/expected.calibration checks), out of expected_calibration_closed / _open: the same rows.
-- Either way only now is clocked here, once. expected_calibration_clocked.sql's rows. Parameters: the
-- scope, $built, $q_start, $q_end, $window_days, $min_volume, $office_starts, $office_ends,
-- $office_day_minutes.
WITH now_clock AS (
    SELECT (e.workdays_before * $office_day_minutes + CASE WHEN e.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(win.now_at) * 60 + minute(win.now_at), p[2]) - p[1]))) ELSE 0 END
        ) AS now_minutes
    FROM win
    LEFT JOIN ref_workdays e ON e.cal_date = win.now_at::DATE
),
-- DuckDB plans with the parameters' values: the branch whose $built is false reads nothing.
closed AS (
    SELECT level, cases, within_p90 FROM scoped_expected_calibration_closed WHERE $built::BOOLEAN
    UNION ALL
    SELECT level, cases, within_p90 FROM calibration_closed WHERE NOT $built::BOOLEAN
),
open_rows AS (
    SELECT level, dispatch_work_minutes, deferred_hours, p90_hours
    FROM scoped_expected_calibration_open WHERE $built::BOOLEAN
    UNION ALL
    SELECT level, dispatch_work_minutes, deferred_hours, p90_hours FROM calibration_open WHERE NOT $built::BOOLEAN
),
-- An open case runs to now (unknown when now or its dispatch is outside the calendar: left out);
-- undecided while within its P90, late after.
open_judged AS (
    SELECT level, work_hours <= p90_hours AS undecided
    FROM (
        SELECT o.level, o.p90_hours,
               CASE WHEN (n.now_minutes - o.dispatch_work_minutes) / 60.0 - o.deferred_hours < 0 THEN 0
                    ELSE (n.now_minutes - o.dispatch_work_minutes) / 60.0 - o.deferred_hours END AS work_hours
        FROM open_rows o
        CROSS JOIN now_clock n
    )
    WHERE work_hours IS NOT NULL
),
per_level AS (
    SELECT level, cases, within_p90, 0 AS undecided FROM closed
    UNION ALL
    SELECT level, count(*) FILTER (WHERE NOT undecided), 0, count(*) FILTER (WHERE undecided)
    FROM open_judged GROUP BY level
),
-- The 'all' row is a plain aggregate, not GROUP BY ROLLUP (one row also over no rows).
levels AS (
    SELECT level, sum(cases)::BIGINT AS cases, sum(within_p90)::BIGINT AS within_p90,
           sum(undecided)::BIGINT AS undecided
    FROM per_level
    GROUP BY level
    UNION ALL
    SELECT NULL AS level, coalesce(sum(cases), 0)::BIGINT AS cases, coalesce(sum(within_p90), 0)::BIGINT AS within_p90,
           coalesce(sum(undecided), 0)::BIGINT AS undecided
    FROM per_level
)
SELECT coalesce(level, 'all') AS level, cases, within_p90, undecided
FROM levels
ORDER BY level NULLS FIRST;
