-- The reporter of one case as stored by the writers (raw values), for queries/reveal.py only.
-- Grain: one row, or none when the case has no reporter record. Parameters: $case_id.
-- Run on a read-only connection to the writers' database, after the caller checked visibility and audited.
SELECT case_id, reporter_name, reporter_phone, reporter_id_no, address, is_confidential
FROM case_private
WHERE case_id = $case_id
