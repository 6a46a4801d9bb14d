-- The notes beside download-share and concentration count the month rows in the range that
-- hold observations dated before their model's release (early) or below the one before
-- (decreases) (Analyses/_measure_notes.sql). Summing those columns over the range's slice
-- read every model's month rows: 0.92 s for 7.7M rows at the benchmark's 10×, as long as
-- the analysis itself. Flagged rows are few, and an index of only them answers at once;
-- ingest adds to it only when a month row is flagged.
CREATE INDEX observation_months_flagged ON observation_months (metric, month)
WHERE early > 0 OR decreases > 0;
