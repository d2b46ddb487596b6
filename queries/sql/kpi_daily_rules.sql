-- The KPI rules kpi_daily was built with (meta kpi_daily_rules), NULL when it is not built: a small
-- question asked before the aggregate query, whose planning alone costs ~50 ms (queries/kpi_daily.py).
-- Grain: one row. Parameters: none beyond the prefix.
SELECT max(rules) AS rules FROM kpi_daily_build;
