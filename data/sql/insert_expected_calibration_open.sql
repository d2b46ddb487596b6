-- One grant's open quarter cases (expected_calibration_open_model's frame, registered as calibration_frame)
-- into expected_calibration_open under $grant_key ('*' = whole city, else a district).
INSERT INTO expected_calibration_open
SELECT $grant_key, level, dispatch_work_minutes, deferred_hours, p90_hours
FROM calibration_frame;
