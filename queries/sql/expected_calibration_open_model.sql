-- The build at publish of expected_calibration_open (queries/expected.build_calibration): the quarter's
-- open cases with their level and P90 (_scoped.sql calibration_open, the rows expected_calibration.sql
-- judges against now when not built). Grain: one row per open case. Parameters: the scope, $q_start,
-- $q_end, $window_days, $min_volume.
SELECT level, dispatch_work_minutes, deferred_hours, p90_hours FROM calibration_open
ORDER BY level, dispatch_work_minutes, deferred_hours, p90_hours;
