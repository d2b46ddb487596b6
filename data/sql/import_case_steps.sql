-- The step history of imported cases (relation written: case_id + cases columns + opinion), one
-- row per step whose time the source gave. 作废 and 挂账 have no time of their own in exports:
-- they are placed at the case's last update. The source's note (opinion) goes on the last step.
INSERT INTO case_steps
SELECT case_id,
       row_number() OVER (PARTITION BY case_id ORDER BY step_at, step_rank)::SMALLINT AS seq,
       step, unit_code, step_at, deadline_at,
       CASE WHEN row_number() OVER (PARTITION BY case_id ORDER BY step_at DESC, step_rank DESC) = 1 THEN opinion END
FROM (
    SELECT case_id, 1 AS step_rank, 'report' AS step, NULL::VARCHAR AS unit_code, reported_at AS step_at,
           NULL::TIMESTAMP AS deadline_at, opinion FROM written
    UNION ALL SELECT case_id, 2, 'accept', NULL, accepted_at, accept_deadline_at, opinion FROM written WHERE accepted_at IS NOT NULL
    UNION ALL SELECT case_id, 3, 'file', NULL, filed_at, file_deadline_at, opinion FROM written WHERE filed_at IS NOT NULL
    UNION ALL SELECT case_id, 4, 'dispatch', unit_code, dispatched_at, handle_deadline_at, opinion FROM written WHERE dispatched_at IS NOT NULL
    UNION ALL SELECT case_id, 5, 'handle', unit_code, handled_at, handle_deadline_at, opinion FROM written WHERE handled_at IS NOT NULL
    UNION ALL SELECT case_id, 6, 'verify', NULL, verified_at, verify_deadline_at, opinion FROM written WHERE verified_at IS NOT NULL
    UNION ALL SELECT case_id, 7, 'close', NULL, closed_at, deadline_at, opinion FROM written WHERE closed_at IS NOT NULL
    UNION ALL SELECT case_id, 8, 'callback', NULL, callback_at, NULL, opinion FROM written WHERE callback_at IS NOT NULL
    UNION ALL SELECT case_id, 9, 'cancel', NULL, updated_at, NULL, opinion FROM written WHERE is_cancelled
    UNION ALL SELECT case_id, 9, 'shelve', NULL, updated_at, NULL, opinion FROM written WHERE is_shelved AND closed_at IS NULL
)
ORDER BY case_id, seq;
