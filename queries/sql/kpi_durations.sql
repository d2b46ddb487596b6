-- Median and P90 of one duration, per group: $measure 'handle' = handle_work_hours of the in_handled
-- set (处置时长), 'close' = close_work_hours of the in_closed set (结案时长): the same doubles as
-- kpi_counts.sql's *_hours_median / *_hours_p90, without its counts, for the pre-aggregated path
-- (queries/kpi_daily.py), whose counts are sums. Membership is case_facts' (one definition).
-- Grain: one row per group of $by with at least one timed case. Parameters: the scope, $by, $measure.
SELECT group_code, hours_quantiles[1] AS hours_median, hours_quantiles[2] AS hours_p90
FROM (
    SELECT group_code, quantile_cont(hours, [0.5, 0.9]) AS hours_quantiles
    FROM (
        SELECT CASE $by WHEN 'all' THEN 'all' WHEN 'unit' THEN unit_code WHEN 'district' THEN district_code
                        WHEN 'street' THEN street_code WHEN 'community' THEN community_code
                        WHEN 'grid' THEN grid_code END AS group_code,
               CASE $measure WHEN 'handle' THEN handle_work_hours WHEN 'close' THEN close_work_hours END AS hours
        FROM case_facts
        WHERE CASE $measure WHEN 'handle' THEN in_handled WHEN 'close' THEN in_closed END
    ) AS timed
    WHERE group_code IS NOT NULL
    GROUP BY group_code
) AS per_group
ORDER BY group_code;
