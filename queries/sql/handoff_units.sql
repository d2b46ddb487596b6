-- 推诿 per responsible unit: cases dispatched to it, passed on, received from another unit, received
-- back after passing them on, and the working hours each hand-off it made added (median, P90).
-- Grain: one row per unit with a dispatch or hand-off in the window [$start, $end) (by step time).
-- Parameters: the scope, $office_starts, $office_ends, $office_day_minutes (queries/worktime_sql.py).
WITH dispatched AS (
    -- each (case, unit) once: on its first dispatch in the window (none of the unit's before it inside)
    SELECT unit_code, count(*) AS dispatched_cases
    FROM scoped_case_dispatches, win
    WHERE dispatched_at >= win.start_at AND dispatched_at < win.end_at
      AND (prev_dispatched_at IS NULL OR prev_dispatched_at < win.start_at)
    GROUP BY unit_code
),
hops AS (
    SELECT h.*,
        (wt.workdays_before * $office_day_minutes + CASE WHEN wt.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(h.to_at) * 60 + minute(h.to_at), p[2]) - p[1]))) ELSE 0 END
         - wf.workdays_before * $office_day_minutes - CASE WHEN wf.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(h.from_at) * 60 + minute(h.from_at), p[2]) - p[1]))) ELSE 0 END
        ) / 60.0 AS delay_work_hours
    FROM scoped_handoffs h
    CROSS JOIN win
    LEFT JOIN ref_workdays wf ON wf.cal_date = h.from_at::DATE
    LEFT JOIN ref_workdays wt ON wt.cal_date = h.to_at::DATE
    WHERE h.to_at >= win.start_at AND h.to_at < win.end_at
),
passed AS (
    SELECT from_unit_code AS unit_code, count(DISTINCT case_id) AS passed_on_cases, count(*) AS handoffs,
           quantile_cont(delay_work_hours, 0.5) AS delay_hours_median,
           quantile_cont(delay_work_hours, 0.9) AS delay_hours_p90
    FROM hops GROUP BY from_unit_code
),
received AS (
    SELECT to_unit_code AS unit_code, count(DISTINCT case_id) AS received_cases,
           count(DISTINCT case_id) FILTER (WHERE is_return) AS returned_cases
    FROM hops GROUP BY to_unit_code
),
keys AS (
    SELECT unit_code FROM dispatched UNION SELECT unit_code FROM passed UNION SELECT unit_code FROM received
)
SELECT k.unit_code, u.name AS unit_name, u.peer_group,
       coalesce(d.dispatched_cases, 0) AS dispatched_cases,
       coalesce(p.passed_on_cases, 0) AS passed_on_cases,
       coalesce(p.handoffs, 0) AS handoffs,
       coalesce(r.received_cases, 0) AS received_cases,
       coalesce(r.returned_cases, 0) AS returned_cases,
       p.delay_hours_median, p.delay_hours_p90
FROM keys k
LEFT JOIN dispatched d USING (unit_code)
LEFT JOIN passed p USING (unit_code)
LEFT JOIN received r USING (unit_code)
LEFT JOIN scoped_units u USING (unit_code)
ORDER BY passed_on_cases DESC, k.unit_code;
