-- One grant's 预计办结 rows (queries.expected.expected_stats's frame, registered as expected_frame) into
-- expected_stats_day under $grant_key ('*' = whole city, else a district code).
INSERT INTO expected_stats_day
SELECT $grant_key, level, unit_code, category_code, major_code, cases, hours_median, hours_p90
FROM expected_frame;
