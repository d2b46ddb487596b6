-- Rebuilds open_cases (data/schema.sql) from cases: every case not closed, cancelled, shelved or
-- 不予立案 (the rule of case_facts.is_overdue_open and overdue_open_cases, queries/sql/_scoped.sql),
-- with the working-minute clock at dispatch, handling deadline and deadline under the office hours bound
-- as $office_starts / $office_ends / $office_day_minutes (queries/worktime_sql.py; the expression and the
-- calendar rule of alert_cases_clocked.sql, NULL outside the calendar). Run by data.store.publish after
-- the writers' rows are in; data.store records the office hours in meta open_cases_office. Rows in
-- deadline_at order, so "past its deadline now" reads the row groups before now only.
INSERT INTO open_cases BY NAME
WITH workdays AS (
    SELECT cal_date, is_workday,
           (sum(is_workday::INTEGER) OVER (ORDER BY cal_date) - is_workday::INTEGER) AS workdays_before
    FROM calendar
)
SELECT c.case_id, c.case_no, c.source, c.kind, c.category_code, c.major_code, c.district_code, c.street_code,
       c.community_code, c.grid_code, c.unit_code, c.dispatched_at, c.handled_at, c.handle_deadline_at, c.deadline_at,
       (wd.workdays_before * $office_day_minutes + CASE WHEN wd.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(c.dispatched_at) * 60 + minute(c.dispatched_at), p[2]) - p[1]))) ELSE 0 END
       )::INTEGER AS dispatch_work_minutes,
       (wh.workdays_before * $office_day_minutes + CASE WHEN wh.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(c.handle_deadline_at) * 60 + minute(c.handle_deadline_at), p[2]) - p[1]))) ELSE 0 END
       )::INTEGER AS handle_deadline_work_minutes,
       (wc.workdays_before * $office_day_minutes + CASE WHEN wc.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(c.deadline_at) * 60 + minute(c.deadline_at), p[2]) - p[1]))) ELSE 0 END
       )::INTEGER AS deadline_work_minutes
FROM cases c
LEFT JOIN workdays wd ON wd.cal_date = c.dispatched_at::DATE
LEFT JOIN workdays wh ON wh.cal_date = c.handle_deadline_at::DATE
LEFT JOIN workdays wc ON wc.cal_date = c.deadline_at::DATE
WHERE c.closed_at IS NULL AND NOT c.is_cancelled AND NOT c.is_shelved AND c.status <> 'not_filed'
ORDER BY c.deadline_at NULLS LAST, c.case_id;
