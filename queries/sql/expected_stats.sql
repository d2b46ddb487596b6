-- 预计办结: median and P90 of working hours from first dispatch to closure (approved 缓办 pauses
-- taken off), per 小类 × unit, 小类, 大类 and unit, over closures in [$as_of − $window_days days, $as_of);
-- cancelled (作废), shelved (挂账) and self-handled cases are left out. Working time from the minutes
-- clocked at publish (cases.dispatch_work_minutes / close_work_minutes): expected_stats_clocked.sql's doubles.
-- Grain: one row per (level, key): level = unit_category | category | major | unit.
-- Parameters: the scope, $as_of, $window_days.
WITH done AS (
    SELECT unit_code, category_code, major_code,
           -- not greatest(0, …): it skips NULLs, and a date outside the calendar must stay unknown
           CASE WHEN raw_hours < 0 THEN 0 ELSE raw_hours END AS work_hours
    FROM (
        SELECT c.unit_code, c.category_code, c.major_code,
               (c.close_work_minutes - c.dispatch_work_minutes) / 60.0 - c.deferred_hours AS raw_hours
        FROM scoped_cases c
        WHERE c.closed_at >= $as_of::TIMESTAMP - to_days($window_days::INTEGER) AND c.closed_at < $as_of::TIMESTAMP
          AND c.dispatched_at IS NOT NULL AND c.closed_at >= c.dispatched_at
          AND NOT c.is_cancelled AND NOT c.is_shelved AND NOT c.is_self_handled
    )
)
SELECT level, unit_code, category_code, major_code, cases,
       hours_quantiles[1] AS hours_median, hours_quantiles[2] AS hours_p90
FROM (
SELECT CASE WHEN GROUPING(unit_code) = 0 AND GROUPING(category_code) = 0 THEN 'unit_category'
            WHEN GROUPING(category_code) = 0 THEN 'category'
            WHEN GROUPING(major_code) = 0 THEN 'major' ELSE 'unit' END AS level,
       unit_code, category_code, major_code,
       count(work_hours) AS cases,
       -- one list quantile: one collection and sort of each group's hours, not one per quantile; the
       -- same interpolation as the scalar quantile_cont (docs/performance.md 5b)
       quantile_cont(work_hours, [0.5, 0.9]) AS hours_quantiles
FROM done
WHERE work_hours IS NOT NULL
GROUP BY GROUPING SETS ((unit_code, category_code), (category_code), (major_code), (unit_code))
)
ORDER BY level, unit_code NULLS FIRST, category_code NULLS FIRST, major_code NULLS FIRST;
