-- The rows of case_duration_days (data/schema.sql): case_durations counted per measure, day, district and
-- bucket, run by the writer at publish right after case_durations (queries/kpi_daily.build).
-- Grain: one row per (measure, day, district, bucket) with a case. Parameters: the scope (whole city).
SELECT measure, day, district_code, bucket, count(*)::INTEGER AS case_count
FROM scoped_case_durations
GROUP BY measure, day, district_code, bucket
ORDER BY measure, day, district_code, bucket;
