-- Responsible units ranked by on-time closing rate, only those with at least $min_volume due cases.
-- Grain: one row per unit with due cases in the window. Ties: more due cases first, then unit code.
-- Parameters: the scope, $min_volume.
WITH per_unit AS (
    SELECT unit_code,
           count(*) AS due_count,
           count(*) FILTER (WHERE in_due_on_time) AS due_on_time_count,
           count(*) FILTER (WHERE in_due_closed) AS due_closed_count
    FROM case_facts
    WHERE in_due AND unit_code IS NOT NULL
    GROUP BY unit_code
)
SELECT u.unit_code, u.name, u.peer_group, p.due_count, p.due_on_time_count, p.due_closed_count,
       p.due_on_time_count / p.due_count AS on_time_rate,
       p.due_closed_count / p.due_count AS closing_rate,
       p.due_count >= $min_volume AS is_ranked,
       CASE WHEN p.due_count >= $min_volume
            THEN rank() OVER (PARTITION BY p.due_count >= $min_volume
                              ORDER BY p.due_on_time_count / p.due_count DESC, p.due_count DESC, u.unit_code) END AS rank
FROM per_unit p
JOIN scoped_units u ON u.unit_code = p.unit_code
ORDER BY is_ranked DESC, rank, p.due_count DESC, u.unit_code;
