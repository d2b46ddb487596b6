-- The build at publish of expected_calibration_closed (queries/expected.build_calibration): the quarter's
-- closed cases per fallback level and those within their P90 (_scoped.sql calibration_closed, the rows
-- expected_calibration.sql reads when not built). Grain: one row per level. Parameters: the scope,
-- $q_start, $q_end, $window_days, $min_volume.
SELECT level, cases, within_p90 FROM calibration_closed ORDER BY level;
