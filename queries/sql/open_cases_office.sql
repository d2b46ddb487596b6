-- The office hours open_cases' working-minute columns were clocked under at publish, NULL when not
-- built: alert_cases.sql reads those columns only under the same hours (queries.alerts).
-- Grain: one row. Parameters: none beyond the prefix.
SELECT office FROM open_cases_build;
