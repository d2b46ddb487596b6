-- Rejected rows of one import with their reasons; the record is shown masked (raw_masked), never
-- as it came. Administrators only. Grain: one row per rejected source row, in file order.
-- Parameters: the scope ($access_admin: 管理员 only), $batch_id, $limit (rows at most).
SELECT line, reason_code, column_name, message_zh, raw_masked
FROM import_rejects
WHERE $access_admin AND batch_id = $batch_id
ORDER BY line
LIMIT $limit;
