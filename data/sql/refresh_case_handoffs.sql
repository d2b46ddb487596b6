-- Rebuilds case_handoffs (one row per hand-off of a case, data/schema.sql) from case_steps: a dispatch
-- to a unit other than the one the case was last dispatched to, before its first 'handle' step.
-- Run by data.store.publish after the writers' rows are in; no parameters. Rows in to_at order, so a
-- window on to_at reads few row groups. The rule is the one scoped_handoffs documents.
INSERT INTO case_handoffs
SELECT case_id, from_unit_code, to_unit_code, from_at, to_at, hop,
       coalesce(list_contains(earlier_units, to_unit_code), false) AS is_return
FROM (
    SELECT d.case_id, d.unit_code AS to_unit_code, d.step_at AS to_at,
           lag(d.unit_code) OVER w AS from_unit_code, lag(d.step_at) OVER w AS from_at,
           row_number() OVER w - 1 AS hop,
           list(d.unit_code) OVER (PARTITION BY d.case_id ORDER BY d.seq
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_units
    FROM case_steps d
    LEFT JOIN (SELECT case_id, min(step_at) AS handled_at FROM case_steps WHERE step = 'handle'
               GROUP BY case_id) h ON h.case_id = d.case_id
    WHERE d.step = 'dispatch' AND d.unit_code IS NOT NULL
      AND (h.handled_at IS NULL OR d.step_at < h.handled_at)
    WINDOW w AS (PARTITION BY d.case_id ORDER BY d.seq)
)
WHERE from_unit_code IS NOT NULL AND from_unit_code <> to_unit_code
ORDER BY to_at, case_id, hop;
