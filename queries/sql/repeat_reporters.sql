-- 一人多诉: reporters (told apart by the salted reporter key; no name or number is read) with at least
-- $min_reports reports in [$start, $end), cancelled reports left out. The key itself is not returned.
-- Grain: one row per such reporter. Parameters: the scope, $min_reports, $limit (most reports first).
-- The top 小类 is the most reported one, ties to the smaller code (spelled out: mode() breaks ties by
-- the engine's hash order, so DuckDB and ClickHouse could name different ones).
WITH reports AS (
    SELECT c.case_id, c.case_no, c.category_code, c.street_code, c.reported_at, r.reporter_key
    FROM scoped_cases c
    JOIN scoped_case_reporters r ON r.case_id = c.case_id
    CROSS JOIN win
    WHERE NOT c.is_cancelled AND r.reporter_key IS NOT NULL
      AND c.reported_at >= win.start_at AND c.reported_at < win.end_at
),
by_category AS (
    SELECT reporter_key, category_code, count(*) AS n,
           row_number() OVER (PARTITION BY reporter_key ORDER BY count(*) DESC, category_code) AS k
    FROM reports
    GROUP BY reporter_key, category_code
),
grouped AS (
    SELECT reporter_key, count(*) AS reports, count(DISTINCT category_code) AS categories,
           count(DISTINCT street_code) AS streets,
           min(reported_at) AS first_at, max(reported_at) AS last_at,
           list(case_no ORDER BY reported_at, case_id)[1:10] AS case_nos
    FROM reports
    GROUP BY reporter_key
    HAVING count(*) >= $min_reports
)
SELECT g.reports, g.categories, g.streets, cat.minor_name AS top_minor_name, g.first_at, g.last_at, g.case_nos
FROM grouped g
LEFT JOIN by_category top ON top.reporter_key = g.reporter_key AND top.k = 1
LEFT JOIN ref_categories cat ON cat.category_code = top.category_code
ORDER BY g.reports DESC, g.last_at DESC, g.case_nos[1]
LIMIT $limit;
