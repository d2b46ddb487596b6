-- The office hours the cases' working-minute columns (dispatch_work_minutes, close_work_minutes) were
-- clocked under: meta work_minutes_office as data.store.refresh_case_work_minutes sets it at publish,
-- NULL when not built. Grain: one row. Parameters: none.
SELECT max(value) AS office FROM meta WHERE key = 'work_minutes_office';
