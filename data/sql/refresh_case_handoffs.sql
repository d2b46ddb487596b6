-- Rebuilds case_handoffs (one row per hand-off of a case, data/schema.sql) from case_steps: a dispatch
-- to a unit other than the one the case was last dispatched to, before its first 'handle' step.
-- Run by data.store.publish after the writers' rows are in; no parameters. Rows in to_at order, so a
-- window on to_at reads few row groups. The rule is the one scoped_handoffs documents.
-- With the case's codes (cases' columns) that scoped_handoffs tests for access and filters.
INSERT INTO case_handoffs BY NAME
SELECT x.case_id, x.from_unit_code, x.to_unit_code, x.from_at, x.to_at, x.hop,
       coalesce(list_contains(x.earlier_units, x.to_unit_code), false) AS is_return,
       c.district_code, c.street_code, c.community_code, c.grid_code, c.kind, c.major_code, c.category_code,
       c.source, c.unit_code
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
) x
JOIN cases c ON c.case_id = x.case_id
WHERE x.from_unit_code IS NOT NULL AND x.from_unit_code <> x.to_unit_code
ORDER BY x.to_at, x.case_id, x.hop;
