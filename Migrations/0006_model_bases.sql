-- Model lineage: "model M is derived from base B" (a fine-tune, a quantization, an adapter,
-- a merge), and stubs: bases an importer has seen named but not described.
--
-- A stub has no known release date, so models.released_on may now be empty, for stubs
-- only. SQLite cannot drop a NOT NULL constraint in place: the table is rebuilt (a new
-- table, the rows copied with their integer keys, which observations and their summaries
-- refer to, the old one dropped; SQLite's documented procedure, run by the migrator with
-- foreign keys off and checked before commit). The view over models is dropped and made
-- again around it.
DROP VIEW observations_named;

CREATE TABLE models_new (
    key             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE CHECK (id <> ''),
    organization    TEXT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL CHECK (name <> ''),
    release         TEXT REFERENCES releases (id),
    -- The release's date when the row gave none; empty only for a stub.
    released_on     TEXT
                    CHECK (released_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                           AND date(released_on, '+0 days') = released_on),
    family          TEXT,
    params_total_b  REAL CHECK (params_total_b > 0),
    params_active_b REAL CHECK (params_active_b > 0),
    architecture    TEXT CHECK (architecture IN ('dense', 'moe')),
    modality        TEXT,
    license         TEXT,
    openness        TEXT CHECK (openness IN ('open-source', 'open-weights', 'restricted-weights', 'closed')),
    url             TEXT,
    -- 1: a base model known only by its id, created by an importer that saw it named as a
    -- base; analyses that use release dates leave it out. A later row describing it fills it in.
    stub            INTEGER NOT NULL DEFAULT 0 CHECK (stub IN (0, 1)),
    CHECK (released_on IS NOT NULL OR stub = 1)
);
INSERT INTO models_new (key, id, organization, name, release, released_on, family, params_total_b, params_active_b,
                        architecture, modality, license, openness, url, stub)
SELECT key, id, organization, name, release, released_on, family, params_total_b, params_active_b,
       architecture, modality, license, openness, url, 0
FROM models;
DROP TABLE models;
ALTER TABLE models_new RENAME TO models;
CREATE INDEX models_by_organization ON models (organization);
CREATE INDEX models_by_release ON models (release);
CREATE INDEX models_by_date ON models (released_on);

CREATE VIEW observations_named AS
SELECT m.id AS model, k.id AS metric, o.observed_on, o.value, o.source
FROM observations AS o
JOIN models AS m ON m.key = o.model
JOIN metrics AS k ON k.key = o.metric;

-- Integer model keys, as in observations. A model may have several bases (a merge); a model
-- is never its own base, and a longer cycle is refused by ingest, which names the chain.
CREATE TABLE model_bases (
    model    INTEGER NOT NULL REFERENCES models (key),
    base     INTEGER NOT NULL REFERENCES models (key),
    relation TEXT NOT NULL CHECK (relation IN ('finetune', 'quantized', 'adapter', 'merge', 'other')),
    -- Where the relation is stated: a model card, a listing, a leaderboard export.
    source   TEXT,
    PRIMARY KEY (model, base),
    CHECK (model <> base)
) WITHOUT ROWID;
-- Derivatives of a base: the analysis walks the relation from bases down.
CREATE INDEX model_bases_by_base ON model_bases (base, model);

-- Every (model, ancestor) pair along chains of bases, whatever the relations: derived data,
-- kept by owl ingest in the same transaction as model_bases (ModelAncestors), so that
-- derivatives --depth all and root read pairs instead of walking chains; rebuilt from
-- model_bases by `owl migrate --rebuild-summaries` (e.g. after another tool wrote bases).
CREATE TABLE model_ancestors (
    model    INTEGER NOT NULL,
    ancestor INTEGER NOT NULL,
    PRIMARY KEY (model, ancestor)
) WITHOUT ROWID;
-- A new base row adds pairs for the model's descendants too.
CREATE INDEX model_ancestors_by_ancestor ON model_ancestors (ancestor, model);

-- The same relation with model ids, for other tools.
CREATE VIEW model_bases_named AS
SELECT m.id AS model, b.id AS base, r.relation, r.source
FROM model_bases AS r
JOIN models AS m ON m.key = r.model
JOIN models AS b ON b.key = r.base;
