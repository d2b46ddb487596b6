-- How many cases the case list of $set holds without a search (a searched list's total comes with its
-- page: case_search.sql). Grain: one row, total_count. Apart from the page, so paging and sorting reuse it
-- and it needs no sort. Params: scope, $set (a case_facts flag, in_reported, or is_overdue_open).
SELECT count(*) AS total_count
FROM listed_cases f
WHERE f.from_overdue_set = ($set = 'is_overdue_open')
  AND COLUMNS(lambda c: c = $set);
