-- Whether anomaly_daily holds every case of the snapshot (meta anomaly_daily_built): a small question asked
-- before reading it (queries/anomalies.py). Grain: one row. Parameters: none.
SELECT built FROM anomaly_daily_build;
