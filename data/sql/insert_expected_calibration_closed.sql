-- One grant's closed quarter cases per level (expected_calibration_closed_model's frame, registered as
-- calibration_frame) into expected_calibration_closed under $grant_key ('*' = whole city, else a district).
INSERT INTO expected_calibration_closed
SELECT $grant_key, level, cases, within_p90
FROM calibration_frame;
