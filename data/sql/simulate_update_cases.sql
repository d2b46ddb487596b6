-- The live simulator's step updates: copies the changed columns of the cases in relation `changes`
-- (one row per case that moved a step this tick) onto `cases`.
UPDATE cases SET
    status = ch.status, unit_code = ch.unit_code,
    accepted_at = ch.accepted_at, filed_at = ch.filed_at, dispatched_at = ch.dispatched_at,
    handled_at = ch.handled_at, verified_at = ch.verified_at, closed_at = ch.closed_at,
    file_deadline_at = ch.file_deadline_at, dispatch_deadline_at = ch.dispatch_deadline_at,
    handle_deadline_at = ch.handle_deadline_at, verify_deadline_at = ch.verify_deadline_at,
    deadline_at = ch.deadline_at, dispatch_count = ch.dispatch_count,
    handle_work_hours = ch.handle_work_hours, close_work_hours = ch.close_work_hours,
    updated_at = ch.updated_at
FROM changes ch
WHERE cases.case_id = ch.case_id;
