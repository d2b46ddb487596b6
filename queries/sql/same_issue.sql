-- 多人同诉: reports of one 小类 in one grid, each within $hours of the one before (one episode), by at
-- least $min_reporters different reporters (salted reporter keys; reports without a phone do not count
-- as reporters). Grain: one row per episode with a report in [$start, $end); cancelled reports left out.
-- Parameters: the scope, $hours, $min_reporters, $limit (most reporters first).
WITH reports AS (
    SELECT c.case_id, c.case_no, c.category_code, c.street_code, c.grid_code, c.reported_at, r.reporter_key
    FROM scoped_cases c
    LEFT JOIN scoped_case_reporters r ON r.case_id = c.case_id
    CROSS JOIN win
    WHERE NOT c.is_cancelled AND c.grid_code IS NOT NULL
      AND c.reported_at >= win.start_at - to_hours($hours::INTEGER) AND c.reported_at < win.end_at
),
marked AS (
    SELECT *, CASE WHEN reported_at - lag(reported_at) OVER w <= to_hours($hours::INTEGER) THEN 0 ELSE 1 END AS starts
    FROM reports
    WINDOW w AS (PARTITION BY grid_code, category_code ORDER BY reported_at, case_id)
),
episodes AS (
    SELECT *, sum(starts) OVER (PARTITION BY grid_code, category_code ORDER BY reported_at, case_id) AS episode
    FROM marked
),
grouped AS (
    SELECT grid_code, category_code, episode, any_value(street_code) AS street_code,
           min(reported_at) AS first_at, max(reported_at) AS last_at, count(*) AS reports,
           count(DISTINCT reporter_key) AS reporters,
           list(case_no ORDER BY reported_at, case_id)[1:10] AS case_nos
    FROM episodes
    GROUP BY grid_code, category_code, episode
)
SELECT g.first_at, g.last_at, g.reports, g.reporters, g.case_nos,
       cat.minor_name, s.name AS street_name, a.name AS grid_name, g.grid_code, g.category_code
FROM grouped g
CROSS JOIN win
LEFT JOIN ref_categories cat ON cat.category_code = g.category_code
LEFT JOIN scoped_areas s ON s.area_code = g.street_code
LEFT JOIN scoped_areas a ON a.area_code = g.grid_code
WHERE g.reporters >= $min_reporters AND g.last_at >= win.start_at
ORDER BY g.reporters DESC, g.reports DESC, g.last_at DESC, g.grid_code, g.category_code
LIMIT $limit;
