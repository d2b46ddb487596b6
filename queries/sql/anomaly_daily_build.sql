-- The rows of anomaly_daily (data/schema.sql): reports per day of reported_at × street × 小类, not cancelled,
-- with a street (anomaly_counts.sql's cases), run by the writer at publish with whole-city access and no filter.
-- Grain: one row per (day, district, street, 大类, 小类) with a report. Parameters: the scope (unbounded).
SELECT reported_at::DATE AS report_day, district_code, street_code, major_code, category_code,
       count(*) AS reports
FROM scoped_cases
WHERE NOT is_cancelled AND street_code IS NOT NULL AND reported_at IS NOT NULL
GROUP BY ALL
ORDER BY report_day, street_code, category_code;
