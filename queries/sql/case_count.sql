-- How many cases the case list holds: the cases in $set (a case_facts flag, or in_reported) matching the search.
-- Grain: one row, total_count. Apart from the page, so paging and sorting reuse it and it needs no sort.
-- Params: scope, $set, $no_pattern / $text_pattern (escaped ILIKE, NULL = none), as case_list.sql.
WITH flagged AS (
    SELECT *, (reported_at >= $start::TIMESTAMP AND reported_at < $end::TIMESTAMP) AS in_reported
    FROM case_facts
    WHERE $set <> 'is_overdue_open'
    UNION ALL BY NAME
    SELECT * FROM overdue_open_cases
    WHERE $set = 'is_overdue_open'
)
SELECT count(*) AS total_count
FROM flagged f
WHERE COLUMNS(lambda c: c = $set)
  AND ($no_pattern IS NULL OR f.case_no ILIKE $no_pattern ESCAPE '\'
       OR ($text_pattern IS NOT NULL AND f.description ILIKE $text_pattern ESCAPE '\'));
