-- The ids of one page of a searched case list and how many cases match, in one pass over the
-- descriptions: the cases in $set matching the search. Grain: one row per case on the page, each with
-- total_count (no row when the page is empty). Params: scope, $set, $no_pattern (escaped case number
-- prefix), $text_pattern (escaped description pattern, NULL for a phone-like search), $text_has_case
-- (false: LIKE finds what ILIKE would, cheaper), $sort, $descending, $limit, $offset. Same order as
-- case_list.sql; the count is a window over the matches only.
SELECT f.case_id, count(*) OVER () AS total_count
FROM listed_cases f
WHERE f.from_overdue_set = ($set = 'is_overdue_open')
  AND COLUMNS(lambda c: c = $set)
  AND (f.case_no ILIKE $no_pattern ESCAPE '\'
       OR ($text_pattern IS NOT NULL
           AND CASE WHEN $text_has_case THEN f.description ILIKE $text_pattern ESCAPE '\'
                    ELSE f.description LIKE $text_pattern ESCAPE '\' END))
ORDER BY CASE WHEN $descending THEN COLUMNS(lambda c: c = $sort) END DESC NULLS LAST,
         COLUMNS(lambda c: c = $sort) ASC NULLS LAST,
         f.case_id DESC
LIMIT $limit OFFSET $offset;
