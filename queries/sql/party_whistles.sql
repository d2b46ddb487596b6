-- 吹哨报到: whistles blown in the window, by problem type and in total, with response times in hours
-- (whistle → first unit reporting in; whistle → solved) and the solve rate as at the window's end.
-- Grain: one row per category plus one total row (is_total). Parameters: the scope.
WITH blown AS (
    SELECT wh.*, least(w.end_at, w.now_at) AS as_of_at
    FROM scoped_whistles wh, win w
    WHERE wh.whistled_at >= w.start_at AND wh.whistled_at < w.end_at
),
calls AS (
    SELECT c.whistle_id, min(c.reported_in_at) AS first_in_at, count(*) AS call_count,
           count(c.reported_in_at) AS reported_in_count,
           count(*) FILTER (WHERE c.reported_in_at IS NOT NULL AND c.staff_count >= 2) AS staffed_count
    FROM scoped_whistle_calls c
    WHERE c.whistle_id IN (SELECT whistle_id FROM blown)
    GROUP BY 1
),
per_whistle AS (
    SELECT b.whistle_id, coalesce(b.category, '其他') AS category, b.problem_count,
           CASE WHEN c.first_in_at < b.as_of_at THEN epoch(c.first_in_at - b.whistled_at) / 3600 END AS report_in_hours,
           CASE WHEN b.solved_at < b.as_of_at THEN epoch(b.solved_at - b.whistled_at) / 3600 END AS solve_hours,
           coalesce(c.call_count, 0) AS call_count, coalesce(c.reported_in_count, 0) AS reported_in_count,
           coalesce(c.staffed_count, 0) AS staffed_count
    FROM blown b LEFT JOIN calls c ON c.whistle_id = b.whistle_id
)
SELECT GROUPING(category) = 1 AS is_total,
       CASE WHEN GROUPING(category) = 1 THEN '合计' ELSE category END AS category,
       count(*) AS whistle_count,
       sum(problem_count)::BIGINT AS problem_count,
       count(solve_hours) AS solved_count,
       count(solve_hours) / count(*) AS solve_rate,
       count(report_in_hours) AS responded_count,
       quantile_cont(report_in_hours, 0.5) AS report_in_median_hours,
       quantile_cont(report_in_hours, 0.9) AS report_in_p90_hours,
       quantile_cont(solve_hours, 0.5) AS solve_median_hours,
       quantile_cont(solve_hours, 0.9) AS solve_p90_hours,
       sum(call_count)::BIGINT AS call_count,
       sum(reported_in_count)::BIGINT AS call_reported_in_count,
       sum(staffed_count)::BIGINT AS call_staffed_count
FROM per_whistle
GROUP BY GROUPING SETS ((category), ())
ORDER BY is_total DESC, whistle_count DESC, category;
