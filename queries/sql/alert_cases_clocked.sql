-- Open cases for the 临期 and 超期 alert rules at now: the share of the handling limit used (working
-- time since dispatch ÷ working time from dispatch to the handling deadline, while not yet handled and
-- before that deadline) and the working hours past the closing deadline.
-- Grain: one row per open case (not cancelled, shelved or 不予立案) that is near its handling deadline
-- (share >= $near_share) or past its closing deadline; the $limit most urgent (overdue longest first).
-- Parameters: the scope, $near_share, $limit, $office_starts, $office_ends, $office_day_minutes.
-- Reads scoped_open_cases (the open set, built at publish) and clocks each candidate here: the fallback of
-- alert_cases.sql when open_cases' minutes were clocked under other office hours, and on ClickHouse.
WITH candidates AS (
    SELECT c.case_id, c.case_no, c.unit_code, c.category_code, c.street_code, c.dispatched_at, c.handled_at,
           c.handle_deadline_at, c.deadline_at, win.now_at,
           -- still being handled before its handling deadline: only these have a share of it used
           coalesce(c.handled_at IS NULL AND c.dispatched_at IS NOT NULL AND c.handle_deadline_at > win.now_at,
                    false) AS is_handling
    FROM scoped_open_cases c, win
    WHERE c.deadline_at < win.now_at
       OR (c.handled_at IS NULL AND c.dispatched_at IS NOT NULL AND c.handle_deadline_at > win.now_at)
),
-- working minutes at now, once (see queries/worktime_sql.py)
clock AS (
    SELECT wn.workdays_before * $office_day_minutes + CASE WHEN wn.is_workday THEN list_sum(list_transform(
               list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
               lambda p: greatest(0, least(hour(win.now_at) * 60 + minute(win.now_at), p[2]) - p[1]))) ELSE 0 END AS now_min
    FROM win
    LEFT JOIN ref_workdays wn ON wn.cal_date = win.now_at::DATE
),
clocked AS (
    SELECT o.*, clock.now_min,
        -- working minutes at each moment; dispatch and handling deadline only where a share is judged
        wd.workdays_before * $office_day_minutes + CASE WHEN wd.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(o.dispatched_at) * 60 + minute(o.dispatched_at), p[2]) - p[1]))) ELSE 0 END AS dispatch_min,
        wh.workdays_before * $office_day_minutes + CASE WHEN wh.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(o.handle_deadline_at) * 60 + minute(o.handle_deadline_at), p[2]) - p[1]))) ELSE 0 END AS handle_min,
        wc.workdays_before * $office_day_minutes + CASE WHEN wc.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(o.deadline_at) * 60 + minute(o.deadline_at), p[2]) - p[1]))) ELSE 0 END AS close_min
    FROM candidates o
    CROSS JOIN clock
    LEFT JOIN ref_workdays wd ON wd.cal_date = CASE WHEN o.is_handling THEN o.dispatched_at::DATE END
    LEFT JOIN ref_workdays wh ON wh.cal_date = CASE WHEN o.is_handling THEN o.handle_deadline_at::DATE END
    LEFT JOIN ref_workdays wc ON wc.cal_date = CASE WHEN o.deadline_at < o.now_at THEN o.deadline_at::DATE END
),
judged AS (
    SELECT *,
        CASE WHEN is_handling AND handle_min > dispatch_min
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
