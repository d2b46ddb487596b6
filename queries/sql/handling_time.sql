-- Handling time in working hours of the cases closed in the window, per bucket of the closing day and
-- in total: dispatch → handled (handle_work_hours) and report → close (close_work_hours), median and P90.
-- Grain: one row per bucket (is_total = false) plus one total row. Parameters: the scope, $grain.
-- Both quantiles of a column come from one list quantile_cont: one sort per column and group, not two.
WITH per_bucket AS (
    SELECT CASE WHEN grouping(date_trunc($grain, closed_at)) = 0 THEN date_trunc($grain, closed_at)::DATE END AS bucket_start,
           grouping(date_trunc($grain, closed_at)) = 1 AS is_total,
           count(*) AS closed_count,
           count(handle_work_hours) AS handle_timed_count,
           quantile_cont(handle_work_hours, [0.5, 0.9]) AS handle_quantiles,
           count(close_work_hours) AS close_timed_count,
           quantile_cont(close_work_hours, [0.5, 0.9]) AS close_quantiles
    FROM case_facts
    WHERE in_closed
    GROUP BY GROUPING SETS ((date_trunc($grain, closed_at)), ())
)
SELECT bucket_start, is_total, closed_count, handle_timed_count,
       handle_quantiles[1] AS handle_median_hours, handle_quantiles[2] AS handle_p90_hours,
       close_timed_count,
       close_quantiles[1] AS close_median_hours, close_quantiles[2] AS close_p90_hours
FROM per_bucket
ORDER BY is_total, bucket_start;
