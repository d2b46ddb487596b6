-- 推诿率 per responsible unit, for the unit league: handoff_units.sql's dispatched_cases and passed_on_cases
-- only (no delays, no cases received: the league shows neither), the same rows but units only received to.
-- Grain: one row per unit with a dispatch or hand-off in the window [$start, $end) (by step time). Parameters: the scope.
WITH dispatched AS (
    -- each (case, unit) once: on its first dispatch in the window (none of the unit's before it inside);
    -- the bounds as parameters, not win's columns, so a short window reads only its row groups
    SELECT unit_code, count(*) AS dispatched_cases
    FROM scoped_case_dispatches
    WHERE dispatched_at >= $start::TIMESTAMP AND dispatched_at < $end::TIMESTAMP
      AND (prev_dispatched_at IS NULL OR prev_dispatched_at < $start::TIMESTAMP)
    GROUP BY unit_code
),
passed AS (
    SELECT from_unit_code AS unit_code, count(DISTINCT case_id) AS passed_on_cases
    FROM scoped_handoffs
    WHERE to_at >= $start::TIMESTAMP AND to_at < $end::TIMESTAMP
    GROUP BY from_unit_code
),
-- a unit received to was dispatched to in the window (a hand-off is a dispatch), so it is a key already
keys AS (
    SELECT unit_code FROM dispatched UNION SELECT unit_code FROM passed
)
SELECT k.unit_code, coalesce(d.dispatched_cases, 0) AS dispatched_cases,
       coalesce(p.passed_on_cases, 0) AS passed_on_cases
FROM keys k
LEFT JOIN dispatched d USING (unit_code)
LEFT JOIN passed p USING (unit_code)
ORDER BY passed_on_cases DESC, k.unit_code;
