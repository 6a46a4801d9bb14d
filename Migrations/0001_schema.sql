-- The warehouse schema: the five entities of the interchange format and the ingest lineage.
-- (date(x, '+0 days') normalizes, so it equals x only for a date that exists.)
-- CHECK constraints repeat the ingest validation so that no writer, owl or otherwise,
-- can store a row the interchange format would reject.

CREATE TABLE organizations (
    id            TEXT PRIMARY KEY
                  CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9._-]*'),
    name          TEXT NOT NULL CHECK (name <> ''),
    country       TEXT NOT NULL CHECK (country GLOB '[A-Z][A-Z]'),
    kind          TEXT NOT NULL
                  CHECK (kind IN ('company', 'academic', 'nonprofit', 'community', 'government')),
    hf_namespaces TEXT,
    url           TEXT
);

CREATE TABLE releases (
    id           TEXT PRIMARY KEY
                 CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9._-]*'),
    organization TEXT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL CHECK (name <> ''),
    released_on  TEXT NOT NULL
                 CHECK (released_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                        AND date(released_on, '+0 days') = released_on),
    url          TEXT
);
CREATE INDEX releases_by_organization ON releases (organization, released_on);
CREATE INDEX releases_by_date ON releases (released_on);

-- Models and metrics carry an integer key besides their public id: the fact table
-- refers to them by it, which keeps tens of millions of observations small.
CREATE TABLE models (
    key             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE CHECK (id <> ''),
    organization    TEXT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL CHECK (name <> ''),
    release         TEXT REFERENCES releases (id),
    -- The release's date when the row gave none; never empty.
    released_on     TEXT NOT NULL
                    CHECK (released_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                           AND date(released_on, '+0 days') = released_on),
    family          TEXT,
    params_total_b  REAL CHECK (params_total_b > 0),
    params_active_b REAL CHECK (params_active_b > 0),
    architecture    TEXT CHECK (architecture IN ('dense', 'moe')),
    modality        TEXT,
    license         TEXT,
    openness        TEXT CHECK (openness IN ('open-source', 'open-weights', 'restricted-weights', 'closed')),
    url             TEXT
);
CREATE INDEX models_by_organization ON models (organization);
CREATE INDEX models_by_release ON models (release);
CREATE INDEX models_by_date ON models (released_on);

CREATE TABLE metrics (
    key              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE
                     CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9._-]*'),
    name             TEXT NOT NULL CHECK (name <> ''),
    unit             TEXT NOT NULL CHECK (unit <> ''),
    kind             TEXT NOT NULL CHECK (kind IN ('cumulative', 'window', 'score')),
    window_days      INTEGER CHECK (window_days > 0),
    higher_is_better INTEGER NOT NULL DEFAULT 1 CHECK (higher_is_better IN (0, 1)),
    description      TEXT,
    CHECK (kind <> 'window' OR window_days IS NOT NULL)
);

-- The fact table, clustered on its key so a lookup or a range scan is one B-tree walk.
CREATE TABLE observations (
    model       INTEGER NOT NULL REFERENCES models (key),
    metric      INTEGER NOT NULL REFERENCES metrics (key),
    -- owl's bulk load checks these itself and skips the CHECKs (see Ingester); they
    -- guard every other writer.
    observed_on TEXT NOT NULL
                CHECK (observed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                       AND date(observed_on, '+0 days') = observed_on),
    value       REAL NOT NULL,
    source      TEXT,
    PRIMARY KEY (model, metric, observed_on)
) WITHOUT ROWID;

-- Ingest lineage: one batch per file loaded, and the rows it skipped.
CREATE TABLE batches (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    entity      TEXT NOT NULL,
    format      TEXT NOT NULL,
    rows_read   INTEGER NOT NULL DEFAULT 0,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    started_at  TEXT NOT NULL,
    finished_at TEXT
);

CREATE TABLE rejects (
    id       INTEGER PRIMARY KEY,
    batch    INTEGER NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    file     TEXT NOT NULL,
    line     INTEGER NOT NULL,
    field    TEXT,
    value    TEXT,
    reason   TEXT NOT NULL
);
CREATE INDEX rejects_by_batch ON rejects (batch);
