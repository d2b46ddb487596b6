-- The KPI rules kpi_daily was built with (meta kpi_daily_rules), NULL when it is not built, and the day
-- kpi_daily_unsettled holds B for (NULL: none): a small question asked before the aggregate query,
-- whose planning alone costs ~50 ms (queries/kpi_daily.py).
-- Grain: one row. Parameters: none beyond the prefix.
SELECT max(rules) AS rules, max(unsettled_day) AS unsettled_day FROM kpi_daily_build;
