-- The clock-per-case form of expected_stats.sql (same rows, same doubles): used when the snapshot's
-- work-minute columns were built under other office hours, and on ClickHouse engines (queries/expected.py).
-- 预计办结: median and P90 of working hours from first dispatch to closure (approved 缓办 pauses
-- taken off), per 小类 × unit, 小类, 大类 and unit, over closures in [$as_of − $window_days days, $as_of);
-- cancelled (作废), shelved (挂账) and self-handled cases are left out.
-- Grain: one row per (level, key): level = unit_category | category | major | unit.
-- Parameters: the scope, $as_of, $window_days, $office_starts, $office_ends, $office_day_minutes.
WITH clocked AS (
    SELECT c.unit_code, c.category_code, c.major_code,
        -- greatest() skips NULLs: the CASE keeps a date outside the calendar unknown (NULL), not 0
        (wc.workdays_before * $office_day_minutes + CASE WHEN wc.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(c.closed_at) * 60 + minute(c.closed_at), p[2]) - p[1]))) ELSE 0 END
         - wd.workdays_before * $office_day_minutes - CASE WHEN wd.is_workday THEN list_sum(list_transform(
            list_zip($office_starts::INTEGER[], $office_ends::INTEGER[]),
            lambda p: greatest(0, least(hour(c.dispatched_at) * 60 + minute(c.dispatched_at), p[2]) - p[1]))) ELSE 0 END
        ) / 60.0 - c.deferred_hours AS raw_hours
    FROM scoped_cases c
    LEFT JOIN ref_workdays wd ON wd.cal_date = c.dispatched_at::DATE
    LEFT JOIN ref_workdays wc ON wc.cal_date = c.closed_at::DATE
    WHERE c.closed_at >= $as_of::TIMESTAMP - to_days($window_days::INTEGER) AND c.closed_at < $as_of::TIMESTAMP
      AND c.dispatched_at IS NOT NULL AND c.closed_at >= c.dispatched_at
      AND NOT c.is_cancelled AND NOT c.is_shelved AND NOT c.is_self_handled
),
done AS (
    SELECT unit_code, category_code, major_code,
           CASE WHEN raw_hours < 0 THEN 0 ELSE raw_hours END AS work_hours
    FROM clocked
)
SELECT CASE WHEN GROUPING(unit_code) = 0 AND GROUPING(category_code) = 0 THEN 'unit_category'
            WHEN GROUPING(category_code) = 0 THEN 'category'
            WHEN GROUPING(major_code) = 0 THEN 'major' ELSE 'unit' END AS level,
       unit_code, category_code, major_code,
       count(work_hours) AS cases,
       quantile_cont(work_hours, 0.5) AS hours_median,
       quantile_cont(work_hours, 0.9) AS hours_p90
FROM done
WHERE work_hours IS NOT NULL
GROUP BY GROUPING SETS ((unit_code, category_code), (category_code), (major_code), (unit_code))
ORDER BY level, unit_code NULLS FIRST, category_code NULLS FIRST, major_code NULLS FIRST;
