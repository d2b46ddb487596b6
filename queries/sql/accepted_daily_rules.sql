-- The KPI rules accepted_daily was built with (meta accepted_daily_rules), NULL when it is not built: a
-- small question asked before reading it (queries/accepted_daily.py). Grain: one row. Parameters: none.
SELECT rules FROM accepted_daily_build;
