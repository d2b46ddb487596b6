-- What expected_stats_day was built with: as-of day, window (days) and office hours (NULLs: not built).
-- Grain: one row. Parameters: none beyond the prefix.
SELECT as_of_day, window_days, office FROM expected_stats_day_build;
