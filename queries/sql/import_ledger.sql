-- The import history: one row per attempt to import a file, newest first. Administrators only:
-- an identity without access to every district gets no rows. Grain: one row per batch.
-- Parameters: the scope (only $access_admin is used: 管理员 only).
SELECT batch_id, file_name, sha256, size_bytes, format, mapping, encoding, invoked_by, started_at, finished_at,
       status, rows_read, accepted, inserted, updated, unchanged, stale, rejected, duplicates, flagged,
       reason_code, message_zh, same_as_batch
FROM import_ledger
WHERE $access_admin
ORDER BY batch_id DESC;
