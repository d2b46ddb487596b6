-- The ids of one page of the case list without a search: the cases in $set (a case_facts flag,
-- in_reported, or the live is_overdue_open). Grain: one row per case on the page (case_id only: the top-N
-- sort carries the sort key and the id, and case_rows.sql fetches the shown columns of these ids).
-- Params: scope, $set, $sort, $descending, $limit, $offset. The order is total (case_id breaks ties).
SELECT f.case_id
FROM listed_cases f
WHERE f.from_overdue_set = ($set = 'is_overdue_open')
  AND COLUMNS(lambda c: c = $set)
ORDER BY CASE WHEN $descending THEN COLUMNS(lambda c: c = $sort) END DESC NULLS LAST,
         COLUMNS(lambda c: c = $sort) ASC NULLS LAST,
         f.case_id DESC
LIMIT $limit OFFSET $offset;
