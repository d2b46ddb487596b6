-- How many cases the default case list (in_reported: reported in the window) holds without a search:
-- case_count.sql's total for $set = 'in_reported', counted on scoped_cases without case_facts' flags
-- (the same cases: see case_list_reported.sql). Grain: one row, total_count. Params: scope.
SELECT count(*) AS total_count
FROM scoped_cases c
WHERE c.reported_at >= $start::TIMESTAMP AND c.reported_at < $end::TIMESTAMP;
