-- The cases the live simulator changed this tick (relation `changes`), as insert_case_steps.sql reads
-- them (relation new_cases): their current row plus the unit a re-dispatched case first went to,
-- which only the existing step history remembers. The simulator does not rework cases (no failed
-- check), so rework_at and rehandled_at are empty.
CREATE OR REPLACE TEMP TABLE new_cases AS
SELECT c.*, r.first_unit_code, NULL::TIMESTAMP AS rework_at, NULL::TIMESTAMP AS rehandled_at
FROM cases c
LEFT JOIN (
    SELECT case_id, any_value(unit_code) AS first_unit_code
    FROM case_steps
    WHERE step = 'redispatch' AND case_id IN (SELECT case_id FROM changes)
    GROUP BY case_id
) r ON r.case_id = c.case_id
WHERE c.case_id IN (SELECT case_id FROM changes);
