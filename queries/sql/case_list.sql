-- The ids of one page of the case list, in its order: the cases in $set (a case_facts flag, or in_reported) matching the search.
-- Grain: one row per case on the page (case_id only: the top-N sort carries the sort key and the id, and
-- case_rows.sql fetches the shown columns of these ids). Params: scope, $set, $no_pattern / $text_pattern
-- (escaped ILIKE, NULL = none), $sort, $descending, $limit, $offset. The order is total (case_id breaks ties).
-- The live overdue set (is_overdue_open) comes from overdue_open_cases, every other set from case_facts.
WITH flagged AS (
    SELECT *, (reported_at >= $start::TIMESTAMP AND reported_at < $end::TIMESTAMP) AS in_reported
    FROM case_facts
    WHERE $set <> 'is_overdue_open'
    UNION ALL BY NAME
    SELECT * FROM overdue_open_cases
    WHERE $set = 'is_overdue_open'
)
SELECT f.case_id
FROM flagged f
WHERE COLUMNS(lambda c: c = $set)
  AND ($no_pattern IS NULL OR f.case_no ILIKE $no_pattern ESCAPE '\'
       OR ($text_pattern IS NOT NULL AND f.description ILIKE $text_pattern ESCAPE '\'))
ORDER BY CASE WHEN $descending THEN COLUMNS(lambda c: c = $sort) END DESC NULLS LAST,
         COLUMNS(lambda c: c = $sort) ASC NULLS LAST,
         f.case_id DESC
LIMIT $limit OFFSET $offset;
