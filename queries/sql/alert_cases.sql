-- Open cases for the 临期 and 超期 alert rules at now: alert_cases_clocked.sql's rows (same columns, doubles,
-- order) from the working minutes open_cases holds, clocked at publish under the office hours of meta
-- open_cases_office (queries/alerts.py checks them): only now is clocked here, once, and the names are
-- joined to the $limit rows kept. Grain: one row per open case near its handling deadline (share >=
-- $near_share) or past its closing deadline; the $limit most urgent (overdue longest first).
-- Parameters: the scope, $near_share, $limit, $office_starts, $office_ends, $office_day_minutes.
WITH clock AS (
    -- working minutes at now (see queries/worktime_sql.py)
    SELECT win.now_at, wn.workdays_before * $office_day_minutes + CASE WHEN wn.is_workday THEN list_sum(list_transform(
               list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
               lambda p: greatest(0, least(hour(win.now_at) * 60 + minute(win.now_at), p[2]) - p[1]))) ELSE 0 END AS now_min
    FROM win
    LEFT JOIN ref_workdays wn ON wn.cal_date = win.now_at::DATE
),
judged AS (
    SELECT c.case_id, c.case_no, c.unit_code, c.category_code, c.street_code, c.handle_deadline_at, c.deadline_at,
        -- still being handled before its handling deadline: only these have a share of it used
        CASE WHEN coalesce(c.handled_at IS NULL AND c.dispatched_at IS NOT NULL AND c.handle_deadline_at > k.now_at, false)
                  AND c.handle_deadline_work_minutes > c.dispatch_work_minutes
             THEN (k.now_min - c.dispatch_work_minutes)::DOUBLE / (c.handle_deadline_work_minutes - c.dispatch_work_minutes)
             END AS handle_used_share,
        c.deadline_at < k.now_at AS is_overdue,
        -- NULL when a date is outside the calendar (greatest() would turn that into 0)
        CASE WHEN c.deadline_at < k.now_at
             THEN (CASE WHEN k.now_min < c.deadline_work_minutes THEN 0 ELSE k.now_min - c.deadline_work_minutes END) / 60.0
             END AS overdue_work_hours
    FROM scoped_open_cases c, clock k
    WHERE c.deadline_at < k.now_at
       OR (c.handled_at IS NULL AND c.dispatched_at IS NOT NULL AND c.handle_deadline_at > k.now_at)
),
-- the most urgent first, then names for those rows only
urgent AS (
    SELECT * FROM judged
    WHERE is_overdue OR handle_used_share >= $near_share
    ORDER BY is_overdue DESC, overdue_work_hours DESC NULLS FIRST, handle_used_share DESC, case_id
    LIMIT $limit
)
SELECT j.case_id, j.case_no, j.unit_code, u.name AS unit_name, cat.minor_name, s.name AS street_name,
       j.handle_deadline_at, j.deadline_at, j.handle_used_share, j.is_overdue, j.overdue_work_hours
FROM urgent j
LEFT JOIN scoped_units u ON u.unit_code = j.unit_code
LEFT JOIN ref_categories cat ON cat.category_code = j.category_code
LEFT JOIN scoped_areas s ON s.area_code = j.street_code
ORDER BY j.is_overdue DESC, j.overdue_work_hours DESC NULLS FIRST, j.handle_used_share DESC, j.case_id;
