-- The office hours the cases' working-minute columns (dispatch_work_minutes, close_work_minutes) were
-- clocked under at publish, NULL when not built: 预计办结 reads those columns only under the same hours.
-- Grain: one row. Parameters: none beyond the prefix.
SELECT office FROM work_minutes_build;
