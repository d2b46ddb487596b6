-- The pairs of units that pass cases between them most (推诿 pairs), both directions together:
-- Grain: one row per unordered pair {unit_a < unit_b} with a hand-off in [$start, $end) (by hand-off time).
-- Parameters: the scope, $limit (most hand-offs first; ties by codes).
SELECT least(h.from_unit_code, h.to_unit_code) AS unit_a, greatest(h.from_unit_code, h.to_unit_code) AS unit_b,
       any_value(ua.name) AS unit_a_name, any_value(ub.name) AS unit_b_name,
       count(*) AS handoffs,
       count(*) FILTER (WHERE h.from_unit_code < h.to_unit_code) AS a_to_b,
       count(*) FILTER (WHERE h.from_unit_code > h.to_unit_code) AS b_to_a,
       count(DISTINCT h.case_id) AS cases,
       count(DISTINCT h.case_id) FILTER (WHERE h.is_return) AS returned_cases
FROM scoped_handoffs h
CROSS JOIN win
LEFT JOIN scoped_units ua ON ua.unit_code = least(h.from_unit_code, h.to_unit_code)
LEFT JOIN scoped_units ub ON ub.unit_code = greatest(h.from_unit_code, h.to_unit_code)
WHERE h.to_at >= win.start_at AND h.to_at < win.end_at
GROUP BY 1, 2
ORDER BY handoffs DESC, unit_a, unit_b
LIMIT $limit;
