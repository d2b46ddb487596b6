-- 高频: reports per 小类 in the last complete month and the month before it (by report month, cancelled
-- left out), the months taken relative to now. Grain: one row per 小类 reported in either month.
-- Parameters: the scope.
WITH months AS (
    SELECT (date_trunc('month', now_at) - INTERVAL 1 MONTH)::DATE AS last_month,
           (date_trunc('month', now_at) - INTERVAL 2 MONTH)::DATE AS month_before
    FROM win
)
SELECT c.category_code, cat.major_name, cat.minor_name,
       count(*) FILTER (WHERE c.reported_month = m.last_month) AS last_month_count,
       count(*) FILTER (WHERE c.reported_month = m.month_before) AS month_before_count,
       any_value(m.last_month) AS last_month, any_value(m.month_before) AS month_before
FROM scoped_cases c
CROSS JOIN months m
LEFT JOIN ref_categories cat ON cat.category_code = c.category_code
WHERE NOT c.is_cancelled AND c.reported_month IN (m.last_month, m.month_before)
GROUP BY c.category_code, cat.major_name, cat.minor_name
ORDER BY c.category_code;
