-- observation_months summed per organization: what a date range's whole months add up to for
-- each organization (and so for each country or kind of organization), read in one slice of
-- a few thousand rows instead of one row per model and month sorted into groups. Stubs are
-- left out, as every analysis leaves them out. Analyses read it when they group models by
-- organization, country or kind with no filter on release dates; by model, or with
-- --released-from or --fill-gaps, they read observation_months.
--
-- Kept by owl in the same transaction as observation_months (ObservationSummaries,
-- OrganizationMonths). A model that moves to another organization, or becomes or stops
-- being a stub, marks both organizations in observation_organization_months_stale (the
-- trigger below, whoever writes models); owl recomputes their rows before it commits
-- (ingest, `owl organizations merge`), and while any organization is marked, analyses read
-- observation_months instead, so another tool's change to models never gives a wrong answer.
-- `owl migrate --rebuild-summaries` rebuilds both tables.
CREATE TABLE observation_organization_months (
    metric       INTEGER NOT NULL,
    month        TEXT NOT NULL,
    organization TEXT NOT NULL,
    amount       REAL NOT NULL,
    covered_days INTEGER NOT NULL,
    PRIMARY KEY (metric, month, organization)
) WITHOUT ROWID;

INSERT INTO observation_organization_months (metric, month, organization, amount, covered_days)
SELECT o.metric, o.month, m.organization, sum(o.amount), sum(o.covered_days)
FROM observation_months AS o JOIN models AS m ON m.key = o.model
WHERE m.stub = 0
GROUP BY o.metric, o.month, m.organization;

CREATE TABLE observation_organization_months_stale (
    organization TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TRIGGER observation_organization_months_follow_models
AFTER UPDATE OF organization, stub ON models
WHEN OLD.organization IS NOT NEW.organization OR OLD.stub IS NOT NEW.stub
BEGIN
    INSERT OR IGNORE INTO observation_organization_months_stale (organization) VALUES (OLD.organization);
    INSERT OR IGNORE INTO observation_organization_months_stale (organization) VALUES (NEW.organization);
END;
