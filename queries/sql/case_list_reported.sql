-- The ids of one page of the default case list (in_reported: cases reported in the window) without a search,
-- straight from scoped_cases: case_list.sql's rows for $set = 'in_reported' (a case reported in the window
-- is always in case_facts' span, as first_event_at <= reported_at <= last_event_at), without case_facts'
-- flags, whose cross join with `win` kept DuckDB's top-N from skipping row groups (10M, two years: 0.38 s).
-- Grain: one row per case on the page. Params: scope, $sort, $descending, $limit, $offset. Order as case_list.sql.
SELECT c.case_id
FROM scoped_cases c
WHERE c.reported_at >= $start::TIMESTAMP AND c.reported_at < $end::TIMESTAMP
ORDER BY CASE WHEN $descending THEN COLUMNS(lambda c: c = $sort) END DESC NULLS LAST,
         COLUMNS(lambda c: c = $sort) ASC NULLS LAST,
         c.case_id DESC
LIMIT $limit OFFSET $offset;
