-- The span of all case activity (every timestamp and deadline, via the derived span columns): the
-- calendar years the working-time arithmetic relies on. Grain: one row. Run by data.store.publish
-- into meta (data_first_at / data_last_at), so no page scans the case table for it.
SELECT min(first_event_at) AS first_at, max(last_event_at) AS last_at FROM cases;
