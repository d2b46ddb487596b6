-- Rebuilds open_cases (data/schema.sql) from cases: every case not closed, cancelled, shelved or
-- 不予立案 (the rule of case_facts.is_overdue_open and overdue_open_cases, queries/sql/_scoped.sql).
-- Run by data.store.publish after the writers' rows are in; no parameters. Rows in deadline_at order,
-- so "past its deadline now" reads the row groups before now only.
INSERT INTO open_cases
SELECT case_id, case_no, source, kind, category_code, major_code, district_code, street_code, community_code,
       grid_code, unit_code, dispatched_at, handled_at, handle_deadline_at, deadline_at
FROM cases
WHERE closed_at IS NULL AND NOT is_cancelled AND NOT is_shelved AND status <> 'not_filed'
ORDER BY deadline_at NULLS LAST, case_id;
