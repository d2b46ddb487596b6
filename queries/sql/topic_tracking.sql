-- 每月一题: reports of the topic's 小类 per month from $from_month to now's month (cancelled left out),
-- and how far into each month the counting runs (a month in progress counts to now).
-- Grain: one row per (month, group of $by): 'all' | 'district' | 'unit' (the unit last dispatched to).
-- Parameters: the scope, $categories, $from_month, $by.
SELECT c.reported_month AS month,
       CASE $by WHEN 'all' THEN 'all' WHEN 'district' THEN c.district_code WHEN 'unit' THEN c.unit_code END AS group_code,
       count(*) AS reports,
       -- same days: no later into its month than now is into now's month (seconds, so both engines agree)
       count(*) FILTER (WHERE epoch(c.reported_at - c.reported_month) < epoch(win.now_at - date_trunc('month', win.now_at)))
           AS reports_same_days
FROM scoped_cases c
CROSS JOIN win
WHERE NOT c.is_cancelled AND list_contains($categories::VARCHAR[], c.category_code)
  AND c.reported_month >= $from_month::DATE AND c.reported_at < win.now_at
GROUP BY 1, 2
HAVING group_code IS NOT NULL
ORDER BY month, group_code;
