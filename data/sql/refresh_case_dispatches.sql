-- Rebuilds case_dispatches (one row per dispatch step of a case to a unit, data/schema.sql) from
-- case_steps. Run by data.store.publish with case_handoffs; no parameters. Rows in dispatched_at
-- order, so a window on it reads few row groups instead of every step of every case.
INSERT INTO case_dispatches
SELECT case_id, unit_code, step_at AS dispatched_at
FROM case_steps
WHERE step = 'dispatch' AND unit_code IS NOT NULL
ORDER BY dispatched_at, case_id;
