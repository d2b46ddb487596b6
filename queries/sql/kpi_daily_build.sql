-- The rows of kpi_daily (data/schema.sql): case_anchor_counts over every case, run by the writer at
-- publish with whole-city access, no filter and an unbounded window (queries/kpi_daily.build).
-- Grain: one row per (day, district, street, unit). Parameters: the scope (unbounded), the KPI rules.
SELECT * FROM case_anchor_counts ORDER BY day, district_code, street_code, unit_code;
