-- The day observed is stored as a day number (days since 1970-01-01, the Unix epoch),
-- not as YYYY-MM-DD text: 2 bytes a row where the text took 10, so
-- the fact table is about a fifth smaller, and analyses compare and subtract whole numbers
-- where they parsed dates. The column is renamed observed_day, so that a query written for
-- the text column fails with "no such column: observed_on" instead of comparing a number
-- with text. observations_named still gives the date as text.
--
-- SQLite cannot change a column's type in place: the table is rebuilt (as 0006 rebuilt
-- models) and its view dropped and made again around it. Rows are read in key order and
-- a day number sorts as its date did, so the copy appends.
DROP VIEW observations_named;

CREATE TABLE observations_new (
    model        INTEGER NOT NULL REFERENCES models (key),
    metric       INTEGER NOT NULL REFERENCES metrics (key),
    -- Days since 1970-01-01: date(observed_day * 86400, 'unixepoch') is the date, and
    -- unixepoch('2025-01-31') / 86400 the day of a date. owl's bulk load checks the date
    -- itself and skips the CHECKs (see Ingester); they guard every other writer.
    -- -719162 is 0001-01-01, 2932896 is 9999-12-31.
    observed_day INTEGER NOT NULL
                 CHECK (typeof(observed_day) = 'integer' AND observed_day BETWEEN -719162 AND 2932896),
    value        REAL NOT NULL,
    source       TEXT,
    PRIMARY KEY (model, metric, observed_day)
) WITHOUT ROWID;
INSERT INTO observations_new (model, metric, observed_day, value, source)
SELECT model, metric, unixepoch(observed_on) / 86400, value, source FROM observations;
DROP TABLE observations;
ALTER TABLE observations_new RENAME TO observations;

CREATE VIEW observations_named AS
SELECT m.id AS model, k.id AS metric, date(o.observed_day * 86400, 'unixepoch') AS observed_on, o.value, o.source
FROM observations AS o
JOIN models AS m ON m.key = o.model
JOIN metrics AS k ON k.key = o.metric;
