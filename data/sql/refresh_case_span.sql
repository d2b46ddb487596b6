-- Sets cases.first_event_at / last_event_at (the span of each case's activity) where they are unset
-- or out of date. Run by data.store.publish, so every published snapshot has them right whatever
-- wrote the rows. The list of columns is every timestamp and deadline of a case: a KPI set of
-- queries/sql/_scoped.sql (case_facts) can only hold a case with one of them inside the window.
UPDATE cases
SET first_event_at = least(reported_at, accepted_at, filed_at, dispatched_at, handled_at, verified_at, closed_at,
                           callback_at, accept_deadline_at, file_deadline_at, dispatch_deadline_at,
                           handle_deadline_at, verify_deadline_at, deadline_at),
    last_event_at = greatest(reported_at, accepted_at, filed_at, dispatched_at, handled_at, verified_at, closed_at,
                             callback_at, accept_deadline_at, file_deadline_at, dispatch_deadline_at,
                             handle_deadline_at, verify_deadline_at, deadline_at)
WHERE first_event_at IS DISTINCT FROM least(reported_at, accepted_at, filed_at, dispatched_at, handled_at, verified_at,
                                            closed_at, callback_at, accept_deadline_at, file_deadline_at,
                                            dispatch_deadline_at, handle_deadline_at, verify_deadline_at, deadline_at)
   OR last_event_at IS DISTINCT FROM greatest(reported_at, accepted_at, filed_at, dispatched_at, handled_at, verified_at,
                                              closed_at, callback_at, accept_deadline_at, file_deadline_at,
                                              dispatch_deadline_at, handle_deadline_at, verify_deadline_at, deadline_at);
