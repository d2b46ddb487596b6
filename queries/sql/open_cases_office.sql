-- The office hours open_cases' working-minute columns were clocked under at publish (meta
-- open_cases_office, data.store.refresh_open_cases), NULL when not built: alert_cases.sql reads those
-- columns only under the same hours. Grain: one row. Parameters: none.
SELECT max(value) AS office FROM meta WHERE key = 'open_cases_office';
