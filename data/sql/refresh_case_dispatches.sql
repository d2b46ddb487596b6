-- Rebuilds case_dispatches (one row per dispatch step of a case to a unit, data/schema.sql) from
-- case_steps. Run by data.store.publish with case_handoffs; no parameters. prev_dispatched_at: the
-- case's previous dispatch to the same unit (by time, then seq), so a window counts each (case, unit)
-- once without a DISTINCT. Rows in dispatched_at order, so a window reads few row groups.
INSERT INTO case_dispatches
SELECT case_id, unit_code, step_at AS dispatched_at,
       lag(step_at) OVER (PARTITION BY case_id, unit_code ORDER BY step_at, seq) AS prev_dispatched_at
FROM case_steps
WHERE step = 'dispatch' AND unit_code IS NOT NULL
ORDER BY dispatched_at, case_id;
