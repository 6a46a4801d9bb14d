-- Derivatives: for each base (its model id, organization or country), the distinct derived
-- repos released in the range that build on it: directly (--depth direct), through any chain
-- (all: a repo counts for every ancestor), or once for each ultimate root it reaches (root:
-- ancestors with no base of their own). --relation limits the relations followed at every
-- step. Stubs have no release date, so they are never counted as derived repos (they may be
-- bases). With --metric, the derived repos' amount of the metric in the range, under the
-- one definition of _model_amounts.
WITH RECURSIVE
-- @include _model_amounts
,
derived AS (
    -- The derived repos of the range: released in it, with a base among the relations followed.
    SELECT r.model, r.base
    FROM models AS d JOIN model_bases AS r ON r.model = d.key
    WHERE d.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
      AND (:relation IS NULL OR instr(',' || :relation || ',', ',' || r.relation || ',') > 0)
),
walked (model, base, steps) AS (
    -- Chains walked step by step: only when --relation limits the relations followed (the
    -- stored closure holds every relation).
    SELECT model, base, 1 FROM derived
    WHERE :relation IS NOT NULL AND coalesce(:depth, 'direct') <> 'direct'
    UNION ALL
    -- Ingest refuses cycles, so chains end; the step bound only stops a cycle written by
    -- another tool from running on.
    SELECT w.model, r.base, w.steps + 1
    FROM walked AS w JOIN model_bases AS r ON r.model = w.base
    WHERE w.steps < 1000 AND instr(',' || :relation || ',', ',' || r.relation || ',') > 0
),
ancestors (model, base) AS NOT MATERIALIZED (
    -- Each (repo, base) once: a merge may reach a base along two chains.
    SELECT model, base FROM derived WHERE coalesce(:depth, 'direct') = 'direct'
    UNION ALL
    SELECT DISTINCT model, base FROM walked
    UNION ALL
    -- Every relation followed: the closure kept at ingest (model_ancestors).
    SELECT a.model, a.ancestor
    FROM models AS d JOIN model_ancestors AS a ON a.model = d.key
    WHERE :relation IS NULL AND coalesce(:depth, 'direct') <> 'direct'
      AND d.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
),
reached AS NOT MATERIALIZED (
    SELECT a.model, a.base
    FROM ancestors AS a
    -- A root has no base of its own among the relations followed.
    WHERE coalesce(:depth, 'direct') <> 'root'
       OR NOT EXISTS (SELECT 1 FROM model_bases AS r
                      WHERE r.model = a.base
                        AND (:relation IS NULL OR instr(',' || :relation || ',', ',' || r.relation || ',') > 0))
),
pairs AS (
    -- By model, the base's key (named at the end, once per group); else its organization or
    -- country, each repo once per group.
    SELECT model, base AS grp FROM reached WHERE coalesce(:by, 'model') = 'model'
    UNION ALL
    SELECT DISTINCT p.model, CASE :by WHEN 'organization' THEN b.organization ELSE org.country END
    FROM reached AS p
    JOIN models AS b ON b.key = p.base
    JOIN organizations AS org ON org.id = b.organization
    WHERE coalesce(:by, 'model') <> 'model'
),
per_group AS (
    SELECT p.grp, count(*) AS derived, sum(ma.value) AS value
    FROM pairs AS p
    LEFT JOIN model_amounts AS ma ON :metric IS NOT NULL AND ma.model = p.model
    GROUP BY p.grp
),
cutoff AS (
    -- The --limit-th largest count: only groups reaching it can be shown, so only they are
    -- named and ranked (there may be tens of thousands of bases).
    SELECT derived FROM per_group ORDER BY derived DESC LIMIT 1 OFFSET :limit - 1
),
named AS (
    SELECT CASE WHEN coalesce(:by, 'model') = 'model' THEN (SELECT id FROM models WHERE key = grp) ELSE grp END AS grp,
           derived, value
    FROM per_group
    WHERE derived >= coalesce((SELECT derived FROM cutoff), 0)
)
SELECT rank() OVER (ORDER BY derived DESC) AS rank,
       grp AS base,
       derived,
       round(100.0 * derived / (SELECT count(DISTINCT model) FROM derived), 2) AS share_pct,
       value
FROM named
ORDER BY derived DESC, grp
LIMIT :limit
