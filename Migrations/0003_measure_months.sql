-- The amount of a window or cumulative metric that fell in each calendar month (and year), per model,
-- under owl's one definition of "how much of a metric fell in a date range" (README,
-- "Measures"; Sources/Warehouse/Analyses/_segments.sql is the definition in SQL). Analyses
-- read whole months here and compute only the partial months at a range's edges from the
-- observations. It replaces observation_years, whose sums counted overlapping windows
-- once per snapshot.
--
-- amount        the metric credited to the model's days in the month
-- covered_days  days of the month, on or after the model's release, that an observation
--               covers (a window's span; for a cumulative metric, release to last observation)
-- decreases     observations dated in the month whose cumulative value is below the previous one
-- early         observations dated in the month but before the model's release date
-- Kept by owl ingest in the same transaction as the observations; rebuilt from the
-- observations by `owl migrate --rebuild-summaries` (and by the migrator right after this
-- migration).
DROP TABLE observation_years;

-- The same per calendar year (the sum of the year's months), so a range of whole years reads
-- one row per model and year.
CREATE TABLE observation_years (
    metric       INTEGER NOT NULL,
    model        INTEGER NOT NULL,
    year         TEXT NOT NULL,
    amount       REAL NOT NULL,
    covered_days INTEGER NOT NULL,
    PRIMARY KEY (metric, year, model)
) WITHOUT ROWID;

CREATE TABLE observation_months (
    metric       INTEGER NOT NULL,
    model        INTEGER NOT NULL,
    month        TEXT NOT NULL,
    amount       REAL NOT NULL,
    covered_days INTEGER NOT NULL,
    decreases    INTEGER NOT NULL DEFAULT 0,
    early        INTEGER NOT NULL DEFAULT 0,
    -- Month first: a date range reads one contiguous slice of the table.
    PRIMARY KEY (metric, month, model)
) WITHOUT ROWID;
