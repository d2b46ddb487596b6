-- Accepted rows of one import that carry a warning (unknown area, duplicate in the file, older
-- than the stored version...). Administrators only. Grain: one row per flag, in file order.
-- Parameters: the scope ($access_admin: 管理员 only), $batch_id, $limit (rows at most).
SELECT line, case_no, flag_code, message_zh
FROM import_flags
WHERE $access_admin AND batch_id = $batch_id
ORDER BY line, flag_code
LIMIT $limit;
