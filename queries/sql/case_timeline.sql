-- The timeline of one case: every step and dispatch in order, with the time of the step before it.
-- Grain: one row per case_steps row of the case (none when the case is out of access or filters).
-- Parameters: the scope, $case_id.
SELECT seq, step, unit_code, unit_name, step_at, deadline_at, opinion,
       lag(step_at) OVER (ORDER BY seq) AS previous_at
FROM scoped_case_steps
WHERE case_id = $case_id
ORDER BY seq;
