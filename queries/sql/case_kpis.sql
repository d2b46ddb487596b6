-- Headline case KPIs for the window [start, end), plus overdue-open cases right now.
-- Grain: one row. Parameters: the scope, $exclude_shelved, $exclude_deferred (BOOLEAN).
SELECT
    count(*) FILTER (WHERE accepted_at >= w.start_at AND accepted_at < w.end_at AND NOT is_cancelled) AS accepted_count,
    count(*) FILTER (WHERE filed_at >= w.start_at AND filed_at < w.end_at AND NOT is_cancelled
                       AND NOT (is_shelved AND $exclude_shelved)) AS filed_count,
    count(*) FILTER (WHERE dispatched_at >= w.start_at AND dispatched_at < w.end_at AND NOT is_cancelled) AS dispatched_count,
    count(*) FILTER (WHERE is_due) AS due_count,
    count(*) FILTER (WHERE closed_at >= w.start_at AND closed_at < w.end_at AND NOT is_cancelled) AS closed_count,
    count(*) FILTER (WHERE is_due AND closed_at IS NOT NULL AND closed_at < w.now_at) AS due_closed_count,
    count(*) FILTER (WHERE is_due AND closed_at <= deadline_at) AS due_on_time_count,
    count(*) FILTER (WHERE in_disposal) AS disposal_den,
    count(*) FILTER (WHERE in_disposal AND closed_at IS NOT NULL AND closed_at < w.now_at) AS disposal_num,
    count(*) FILTER (WHERE closed_at IS NULL AND deadline_at < w.now_at
                       AND NOT is_cancelled AND NOT is_shelved AND status <> 'not_filed') AS overdue_open_count
FROM (
    SELECT c.*,
           (c.deadline_at >= w.start_at AND c.deadline_at < w.end_at AND NOT c.is_cancelled AND NOT c.is_shelved
            AND NOT (c.is_deferred AND $exclude_deferred)) AS is_due,
           (c.filed_at >= w.start_at AND c.filed_at < w.end_at AND NOT c.is_shelved AND NOT c.is_cancelled
            AND (c.dispatched_at IS NOT NULL OR c.is_self_handled)) AS in_disposal
    FROM scoped_cases c, win w
) c, win w;
