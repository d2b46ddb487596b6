-- 预计办结's figures built at publish for the scope's grant (expected_stats_day): expected_stats.sql's rows
-- and doubles for the day, window and office hours of expected_stats_day_build (queries/expected.py checks them).
-- Grain: one row per (level, key), as expected_stats.sql. Parameters: the scope only.
SELECT level, unit_code, category_code, major_code, cases, hours_median, hours_p90
FROM scoped_expected_stats_day
ORDER BY level, unit_code NULLS FIRST, category_code NULLS FIRST, major_code NULLS FIRST;
