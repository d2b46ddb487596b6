-- Sets the derived columns of cases where they are unset or out of date: first_event_at / last_event_at
-- (the span of each case's activity) and overdue_from_at (the deadline from which an open, counted
-- case is overdue). Run by data.store.publish, so every published snapshot has them right whatever
-- wrote the rows. The span lists every timestamp and deadline of a case: a KPI set of
-- queries/sql/_scoped.sql (case_facts) can only hold a case with one of them inside the window;
-- overdue_from_at repeats the rule of case_facts.is_overdue_open (overdue_open_cases reads it).
UPDATE cases
SET first_event_at = least(reported_at, accepted_at, filed_at, dispatched_at, handled_at, verified_at, closed_at,
                           callback_at, accept_deadline_at, file_deadline_at, dispatch_deadline_at,
                           handle_deadline_at, verify_deadline_at, deadline_at),
    last_event_at = greatest(reported_at, accepted_at, filed_at, dispatched_at, handled_at, verified_at, closed_at,
                             callback_at, accept_deadline_at, file_deadline_at, dispatch_deadline_at,
                             handle_deadline_at, verify_deadline_at, deadline_at),
    overdue_from_at = CASE WHEN closed_at IS NULL AND NOT is_cancelled AND NOT is_shelved AND status <> 'not_filed'
                           THEN deadline_at END
WHERE first_event_at IS DISTINCT FROM least(reported_at, accepted_at, filed_at, dispatched_at, handled_at, verified_at,
                                            closed_at, callback_at, accept_deadline_at, file_deadline_at,
                                            dispatch_deadline_at, handle_deadline_at, verify_deadline_at, deadline_at)
   OR last_event_at IS DISTINCT FROM greatest(reported_at, accepted_at, filed_at, dispatched_at, handled_at, verified_at,
                                              closed_at, callback_at, accept_deadline_at, file_deadline_at,
                                              dispatch_deadline_at, handle_deadline_at, verify_deadline_at, deadline_at)
   OR overdue_from_at IS DISTINCT FROM (CASE WHEN closed_at IS NULL AND NOT is_cancelled AND NOT is_shelved
                                             AND status <> 'not_filed' THEN deadline_at END);
