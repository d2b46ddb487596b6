-- What an import does with each kept row (relation staged_cases, one row per key), against the
-- versions stored (import_records): insert | update | unchanged | stale. A newer updated_at wins;
-- on equal updated_at the greater content hash wins, so any order of files gives the same table.
-- case_id: the stored one for updates; $first_id, $first_id + 1, ... in time order for inserts.
-- Parameters: $origin (import:<system>), $first_id (the first free case_id).
WITH classified AS (
    SELECT s.*,
           r.case_id AS stored_case_id,
           r.updated_at AS stored_updated_at,
           CASE
               WHEN r.case_id IS NULL THEN 'insert'
               WHEN s.updated_at = r.updated_at AND s.record_hash = r.record_hash THEN 'unchanged'
               WHEN s.updated_at > r.updated_at
                    OR (s.updated_at = r.updated_at AND s.record_hash > r.record_hash) THEN 'update'
               ELSE 'stale'
           END AS action,
           (r.case_id IS NOT NULL AND s.updated_at = r.updated_at AND s.record_hash <> r.record_hash)
               AS same_time_conflict
    FROM staged_cases s
    LEFT JOIN import_records r ON r.origin = $origin AND r.case_no = s.case_no
)
SELECT *,
       CASE WHEN action = 'insert'
            THEN $first_id - 1 + row_number() OVER (PARTITION BY action = 'insert' ORDER BY reported_at, case_no)
            ELSE stored_case_id END AS case_id
FROM classified
