-- Synthetic reporter details for hotline, app, media and supervision (complaint) cases of a batch (relation new_cases).
-- Personal data: only the masked case-detail query ever reads this table.
INSERT INTO case_private BY NAME
SELECT case_id,
       list_element($surnames, (hash(case_id) % len($surnames) + 1)::INTEGER)
           || list_element($given, (hash(case_id // 3) % len($given) + 1)::INTEGER) AS reporter_name,
       '1' || list_element(['38', '39', '58', '59', '86', '87', '36', '77'], (hash(case_id) % 8 + 1)::INTEGER)
           || lpad((hash(case_id * 7) % 100000000)::VARCHAR, 8, '0') AS reporter_phone,
       NULL AS reporter_id_no,
       coalesce(s.name, '') || coalesce(c.name, '') || (hash(case_id) % 200 + 1)::VARCHAR || '号' AS address,
       hash(case_id * 13) % 50 = 0 AS is_confidential  -- about 2% of reporters ask for confidentiality
FROM new_cases n
LEFT JOIN areas s ON s.area_code = n.street_code
LEFT JOIN areas c ON c.area_code = n.community_code
WHERE n.source IN ('hotline', 'app', 'media', 'supervision');
