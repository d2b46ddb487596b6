-- What expected_calibration_closed / _open were built with: quarter [q_start, q_end), window (days),
-- minimum closures and office hours (NULLs: not built). One row. Parameters: none.
SELECT q_start, q_end, window_days, min_volume, office FROM expected_calibration_build;
