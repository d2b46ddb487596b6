-- Cases overdue and still open at the window's end (least(end, now)), per responsible unit: those whose
-- closing deadline fell inside the window (本期超期) and those due before it (遗留超期). Same exclusions
-- as 超期未处置 (is_overdue_open): for a window ending now the two sums equal overdue_open_count.
-- Grain: one row per unit with at least one such case. Parameters: the scope.
SELECT c.unit_code, coalesce(u.name, c.unit_code) AS unit_name, u.peer_group,
       count(*) FILTER (WHERE c.deadline_at >= w.start_at) AS period_overdue_count,
       count(*) FILTER (WHERE c.deadline_at < w.start_at) AS carried_overdue_count,
       count(*) AS overdue_count
FROM scoped_cases c
CROSS JOIN win w
LEFT JOIN scoped_units u ON u.unit_code = c.unit_code
WHERE c.unit_code IS NOT NULL
  AND c.deadline_at < least(w.end_at, w.now_at)
  AND (c.closed_at IS NULL OR c.closed_at >= least(w.end_at, w.now_at))
  AND NOT c.is_cancelled AND NOT c.is_shelved AND c.status <> 'not_filed'
GROUP BY c.unit_code, u.name, u.peer_group
ORDER BY overdue_count DESC, c.unit_code;
