-- Summaries of the observations, kept up to date by owl ingest in the same transaction as
-- the observations themselves, so that analyses over millions of observations read
-- thousands of rows: each model's latest value of each metric, and its totals per year.
-- They are derived data: `owl migrate --rebuild-summaries` rebuilds them from the
-- observations (ObservationSummaries.rebuild), e.g. after another tool wrote observations.

CREATE TABLE observation_latest (
    metric      INTEGER NOT NULL,
    model       INTEGER NOT NULL,
    observed_on TEXT NOT NULL,
    value       REAL NOT NULL,
    PRIMARY KEY (metric, model)
) WITHOUT ROWID;

CREATE TABLE observation_years (
    metric       INTEGER NOT NULL,
    model        INTEGER NOT NULL,
    year         TEXT NOT NULL,
    total        REAL NOT NULL,
    observations INTEGER NOT NULL,
    PRIMARY KEY (metric, model, year)
) WITHOUT ROWID;

-- SQLite takes the bare column `value` from the row holding max(observed_on).
INSERT INTO observation_latest (metric, model, observed_on, value)
SELECT metric, model, max(observed_on), value FROM observations GROUP BY metric, model;

INSERT INTO observation_years (metric, model, year, total, observations)
SELECT metric, model, substr(observed_on, 1, 4), sum(value), count(*)
FROM observations GROUP BY metric, model, substr(observed_on, 1, 4);
