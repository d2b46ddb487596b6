-- Rebuilds case_dispatches (one row per dispatch step of a case to a unit, data/schema.sql) from
-- case_steps. Run by data.store.publish with case_handoffs; no parameters. prev_dispatched_at: the
-- case's previous dispatch to the same unit (by time, then seq), so a window counts each (case, unit)
-- once without a DISTINCT. Rows in dispatched_at order, so a window reads few row groups. With the case's
-- codes (cases' columns, case_unit_code = cases.unit_code) that scoped_case_dispatches tests for access
-- and filters; a step of a case not in cases has none (it never was readable: scoped_cases has no row).
INSERT INTO case_dispatches BY NAME
SELECT s.case_id, s.unit_code, s.step_at AS dispatched_at,
       lag(s.step_at) OVER (PARTITION BY s.case_id, s.unit_code ORDER BY s.step_at, s.seq) AS prev_dispatched_at,
       c.district_code, c.street_code, c.community_code, c.grid_code, c.kind, c.major_code, c.category_code,
       c.source, c.unit_code AS case_unit_code
FROM case_steps s
JOIN cases c ON c.case_id = s.case_id
WHERE s.step = 'dispatch' AND s.unit_code IS NOT NULL
ORDER BY dispatched_at, s.case_id;
