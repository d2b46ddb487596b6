-- Writes the inserted and updated rows of an import plan (relation import_plan) into cases:
-- updated rows keep their case_id, new rows get max(case_id) + 1, 2, ... in time order.
-- Parameters: $origin, $first_id (the first free case_id).
INSERT INTO cases BY NAME
SELECT p.* EXCLUDE (stored_case_id, stored_updated_at, action, same_time_conflict, line, record_hash, opinion,
                    reporter_name, reporter_phone, reporter_id_no, address, new_rank),
       coalesce(p.stored_case_id, $first_id + p.new_rank - 1) AS case_id,
       $origin AS origin
FROM (
    SELECT *, CASE WHEN action = 'insert'
                   THEN row_number() OVER (PARTITION BY action = 'insert' ORDER BY reported_at, case_no) END AS new_rank
    FROM import_plan
    WHERE action IN ('insert', 'update')
) p
ORDER BY p.reported_at, p.case_no;
