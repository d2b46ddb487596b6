-- The earliest and latest timestamp or deadline of the cases in scope: the calendar years the
-- working-time arithmetic of this data relies on. Grain: one row. Parameters: the scope.
SELECT min(reported_at) AS first_at,
       max(greatest(reported_at, closed_at, callback_at, deadline_at, handle_deadline_at, verify_deadline_at)) AS last_at
FROM scoped_cases;
