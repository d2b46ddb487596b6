-- Sets cases.dispatch_work_minutes / close_work_minutes (data/schema.sql) where they are unset or out of
-- date: the working-minute clock at each timestamp under the office hours bound as $office_starts /
-- $office_ends / $office_day_minutes (queries/worktime_sql.py), by the rule of ref_workdays in
-- queries/sql/_scoped.sql. Run by data.store.publish after every write, so a snapshot's minutes match its
-- own calendar; data.store records the office hours used in meta work_minutes_office.
UPDATE cases
SET dispatch_work_minutes = clocked.dispatch_work_minutes, close_work_minutes = clocked.close_work_minutes
FROM (
    SELECT c.case_id,
        (wd.workdays_before * $office_day_minutes + CASE WHEN wd.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(c.dispatched_at) * 60 + minute(c.dispatched_at), p[2]) - p[1]))) ELSE 0 END
        )::INTEGER AS dispatch_work_minutes,
        (wc.workdays_before * $office_day_minutes + CASE WHEN wc.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(c.closed_at) * 60 + minute(c.closed_at), p[2]) - p[1]))) ELSE 0 END
        )::INTEGER AS close_work_minutes
    FROM cases c
    LEFT JOIN (
        SELECT cal_date, is_workday,
               (sum(is_workday::INTEGER) OVER (ORDER BY cal_date) - is_workday::INTEGER) AS workdays_before
        FROM calendar
    ) wd ON wd.cal_date = c.dispatched_at::DATE
    LEFT JOIN (
        SELECT cal_date, is_workday,
               (sum(is_workday::INTEGER) OVER (ORDER BY cal_date) - is_workday::INTEGER) AS workdays_before
        FROM calendar
    ) wc ON wc.cal_date = c.closed_at::DATE
) AS clocked
WHERE cases.case_id = clocked.case_id
  AND (cases.dispatch_work_minutes IS DISTINCT FROM clocked.dispatch_work_minutes
       OR cases.close_work_minutes IS DISTINCT FROM clocked.close_work_minutes);
