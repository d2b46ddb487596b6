-- The step history of the inserted and updated rows of an import plan (relation import_plan):
-- one row per step whose time the source gave. 作废 and 挂账 have no time of their own in exports:
-- they are placed at the case's last update. The source's note (opinion) goes on the case's last
-- step (the latest time; on equal times the later step), found without a second window.
WITH written AS (
    SELECT *,
           greatest(reported_at, accepted_at, filed_at, dispatched_at, handled_at, verified_at, closed_at,
                    callback_at, CASE WHEN is_cancelled OR (is_shelved AND closed_at IS NULL) THEN updated_at END)
               AS last_at
    FROM import_plan
    WHERE action IN ('insert', 'update')
),
steps AS (
    SELECT case_id, 1 AS step_rank, 'report' AS step, NULL::VARCHAR AS unit_code, reported_at AS step_at,
           NULL::TIMESTAMP AS deadline_at, opinion, last_at FROM written
    UNION ALL SELECT case_id, 2, 'accept', NULL, accepted_at, accept_deadline_at, opinion, last_at FROM written WHERE accepted_at IS NOT NULL
    UNION ALL SELECT case_id, 3, 'file', NULL, filed_at, file_deadline_at, opinion, last_at FROM written WHERE filed_at IS NOT NULL
    UNION ALL SELECT case_id, 4, 'dispatch', unit_code, dispatched_at, handle_deadline_at, opinion, last_at FROM written WHERE dispatched_at IS NOT NULL
    UNION ALL SELECT case_id, 5, 'handle', unit_code, handled_at, handle_deadline_at, opinion, last_at FROM written WHERE handled_at IS NOT NULL
    UNION ALL SELECT case_id, 6, 'verify', NULL, verified_at, verify_deadline_at, opinion, last_at FROM written WHERE verified_at IS NOT NULL
    UNION ALL SELECT case_id, 7, 'close', NULL, closed_at, deadline_at, opinion, last_at FROM written WHERE closed_at IS NOT NULL
    UNION ALL SELECT case_id, 8, 'callback', NULL, callback_at, NULL, opinion, last_at FROM written WHERE callback_at IS NOT NULL
    UNION ALL SELECT case_id, 9, 'cancel', NULL, updated_at, NULL, opinion, last_at FROM written WHERE is_cancelled
    UNION ALL SELECT case_id, 9, 'shelve', NULL, updated_at, NULL, opinion, last_at FROM written WHERE is_shelved AND closed_at IS NULL
),
last_step AS (
    SELECT case_id, max(step_rank) AS last_rank FROM steps WHERE step_at = last_at AND opinion IS NOT NULL GROUP BY case_id
)
INSERT INTO case_steps
SELECT s.case_id,
       row_number() OVER (PARTITION BY s.case_id ORDER BY s.step_at, s.step_rank)::SMALLINT AS seq,
       s.step, s.unit_code, s.step_at, s.deadline_at,
       CASE WHEN s.step_rank = l.last_rank THEN s.opinion END AS opinion
FROM steps s
LEFT JOIN last_step l ON l.case_id = s.case_id;
