-- The timeline of one case: every step and dispatch in order, with the time of the step before it, the
-- step's own deadline (the case's column for that step) and its own configured limit (ref_time_limits for
-- the case's 小类, else the '*' default). Grain: one row per case_steps row of the case (none when the
-- case is out of access or filters). Parameters: the scope, $case_id.
SELECT s.seq, s.step, s.unit_code, s.unit_name, s.step_at,
       CASE s.step WHEN 'accept' THEN c.accept_deadline_at WHEN 'file' THEN c.file_deadline_at
                   WHEN 'dispatch' THEN c.dispatch_deadline_at WHEN 'handle' THEN c.handle_deadline_at
                   WHEN 'verify' THEN c.verify_deadline_at WHEN 'close' THEN c.deadline_at
                   ELSE NULL END AS deadline_at,
       coalesce(own.amount, fallback.amount) AS limit_amount,
       coalesce(own.unit, fallback.unit) AS limit_unit,
       s.opinion,
       lag(s.step_at) OVER (ORDER BY s.seq) AS previous_at
FROM scoped_case_steps s
JOIN scoped_cases c ON c.case_id = s.case_id
LEFT JOIN ref_time_limits own ON own.category_code = c.category_code AND own.step = s.step
LEFT JOIN ref_time_limits fallback ON fallback.category_code = '*' AND fallback.step = s.step
WHERE s.case_id = $case_id
ORDER BY s.seq;
