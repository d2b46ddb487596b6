-- Writes the inserted and updated rows of an import plan (relation import_plan, which carries
-- each row's case_id) into cases, in time order. Parameters: $origin.
INSERT INTO cases BY NAME
SELECT p.* EXCLUDE (stored_case_id, stored_updated_at, action, same_time_conflict, line, record_hash, opinion,
                    reporter_name, reporter_phone, reporter_id_no, address),
       $origin AS origin
FROM import_plan p
WHERE p.action IN ('insert', 'update')
ORDER BY p.reported_at, p.case_no;
