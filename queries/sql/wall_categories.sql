-- The most frequent problems (小类) among the cases accepted in the window (the wall: today) up to now.
-- Grain: one row per category with accepted cases, largest first, at most $limit rows.
SELECT f.category_code, cat.minor_name AS category_name, cat.major_name, count(*) AS case_count
FROM case_facts f
CROSS JOIN win w
LEFT JOIN ref_categories cat ON cat.category_code = f.category_code
WHERE f.in_accepted AND f.accepted_at <= w.now_at
GROUP BY ALL
ORDER BY case_count DESC, f.category_code
LIMIT $limit;
