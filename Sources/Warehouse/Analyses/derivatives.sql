-- Derivatives: for each base (its model id, organization or country), the distinct derived
-- repos released in the range that build on it: directly (--depth direct), through any chain
-- (all: a repo counts for every ancestor), or once for each ultimate root it reaches (root:
-- ancestors with no base of their own). --relation limits the relations followed at every
-- step. Stubs have no release date, so they are never counted as derived repos (they may be
-- bases). With --metric, the derived repos' amount of the metric in the range, under the
-- one definition of the README's "Measures" (_group_amounts, grouped by model).
WITH RECURSIVE
-- @include _group_amounts group_by='model'
,
closure AS (
    -- How the stored closure (model_ancestors) is read when every relation is followed beyond
    -- direct bases. From the bases' side (per_group), each base is read once, with the range's
    -- repos of each base one range of model_ancestors_by_ancestor. From the repos of the range
    -- (ancestors): only with --metric, which needs each repo's groups.
    SELECT :relation IS NULL AND coalesce(:depth, 'direct') <> 'direct' AS used,
           :relation IS NULL AND coalesce(:depth, 'direct') <> 'direct' AND :metric IS NULL AS from_bases
),
derived AS (
    -- The derived repos of the range: released in it, with a base among the relations followed.
    -- Read only where their direct bases are walked: --depth direct, or chains with --relation.
    SELECT r.model, r.base
    FROM models AS d JOIN model_bases AS r ON r.model = d.key
    WHERE (coalesce(:depth, 'direct') = 'direct' OR :relation IS NOT NULL)
      AND d.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
      AND (:relation IS NULL OR instr(',' || :relation || ',', ',' || r.relation || ',') > 0)
),
derived_count AS (
    -- The shares' denominator: how many repos derived holds. Where derived is not read, they
    -- are counted without listing them. Exactly one arm counts.
    SELECT count(DISTINCT model) AS repos FROM derived
    WHERE coalesce(:depth, 'direct') = 'direct' OR :relation IS NOT NULL
    UNION ALL
    SELECT count(*)
    FROM models AS d
    WHERE coalesce(:depth, 'direct') <> 'direct' AND :relation IS NULL
      AND d.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
      AND EXISTS (SELECT 1 FROM model_bases AS r WHERE r.model = d.key)
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
    -- Every relation followed, unless closure.from_bases: the closure kept at ingest, read
    -- from the repos of the range.
    SELECT a.model, a.ancestor
    FROM models AS d JOIN model_ancestors AS a ON a.model = d.key
    WHERE (SELECT used AND NOT from_bases FROM closure)
      AND d.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
),
grouped AS NOT MATERIALIZED (
    -- Each (repo, base) with the base's group: by model, the base's key (named at the end,
    -- only for the rows shown); else its organization or its country.
    SELECT a.model,
           CASE coalesce(:by, 'model')
               WHEN 'model' THEN a.base
               WHEN 'organization' THEN (SELECT b.organization FROM models AS b WHERE b.key = a.base)
               ELSE (SELECT org.country FROM models AS b JOIN organizations AS org ON org.id = b.organization WHERE b.key = a.base)
           END AS grp
    FROM ancestors AS a
    -- A root has no base of its own among the relations followed.
    WHERE coalesce(:depth, 'direct') <> 'root'
       OR NOT EXISTS (SELECT 1 FROM model_bases AS r
                      WHERE r.model = a.base
                        AND (:relation IS NULL OR instr(',' || :relation || ',', ',' || r.relation || ',') > 0))
),
per_group AS (
    -- A repo counts once per group, though several of its bases may share an organization.
    SELECT grp, count(DISTINCT model) AS derived FROM grouped GROUP BY grp
    UNION ALL
    -- When closure.from_bases: the closure read from the bases' side, base by base, each
    -- base's group read once rather than looked up for each of its (repo, base) pairs.
    -- Exactly one of the four arms yields rows; this one by model, where each (repo, base)
    -- pair is a row of its own, so no DISTINCT is needed.
    SELECT b.key AS grp, count(*) AS derived
    -- CROSS JOIN keeps this order: SQLite would otherwise walk the pairs and look each base up.
    FROM models AS b
    CROSS JOIN model_ancestors AS a ON a.ancestor = b.key
    WHERE (SELECT from_bases FROM closure) AND coalesce(:by, 'model') = 'model'
      -- Each pair carries its repo's release date, so the range's repos of a base are one
      -- range of model_ancestors_by_ancestor.
      AND a.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
      -- A root has no base of its own.
      AND (:depth <> 'root' OR NOT EXISTS (SELECT 1 FROM model_bases AS r WHERE r.model = b.key))
    GROUP BY b.key
    UNION ALL
    -- By country, organization by organization (models_by_organization), so each country is
    -- read once per organization.
    SELECT org.country AS grp, count(DISTINCT a.model) AS derived
    FROM organizations AS org
    CROSS JOIN models AS b ON b.organization = org.id
    CROSS JOIN model_ancestors AS a ON a.ancestor = b.key
    WHERE (SELECT from_bases FROM closure) AND :by = 'country'
      AND a.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
      AND (:depth <> 'root' OR NOT EXISTS (SELECT 1 FROM model_bases AS r WHERE r.model = b.key))
    GROUP BY 1
    UNION ALL
    -- The same read by organization, with the group a plain column: models_by_organization
    -- gives the bases in organization order, so the counts stream out without a sort.
    SELECT b.organization AS grp, count(DISTINCT a.model) AS derived
    FROM models AS b
    CROSS JOIN model_ancestors AS a ON a.ancestor = b.key
    WHERE (SELECT from_bases FROM closure) AND :by = 'organization'
      AND a.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
      AND (:depth <> 'root' OR NOT EXISTS (SELECT 1 FROM model_bases AS r WHERE r.model = b.key))
    GROUP BY b.organization
),
amounts AS (
    -- With --metric: the amounts of each group's derived repos, each repo once.
    SELECT g.grp, sum(ga.value) AS value
    FROM (SELECT DISTINCT grp, model FROM grouped WHERE :metric IS NOT NULL) AS g
    JOIN models AS dm ON dm.key = g.model
    JOIN group_amounts AS ga ON ga.grp = dm.id
    GROUP BY g.grp
),
cutoff AS (
    -- The --limit-th largest count: only groups reaching it can be shown, so only they are
    -- named and ranked (there may be tens of thousands of bases).
    SELECT derived FROM per_group ORDER BY derived DESC LIMIT 1 OFFSET :limit - 1
),
named AS (
    SELECT CASE WHEN coalesce(:by, 'model') = 'model' THEN (SELECT id FROM models WHERE key = p.grp) ELSE p.grp END AS grp,
           p.derived, a.value
    FROM per_group AS p LEFT JOIN amounts AS a ON a.grp = p.grp
    WHERE p.derived >= coalesce((SELECT derived FROM cutoff), 0)
)
SELECT rank() OVER (ORDER BY derived DESC) AS rank,
       grp AS base,
       derived,
       round(100.0 * derived / (SELECT sum(repos) FROM derived_count), 2) AS share_pct,
       value
FROM named
ORDER BY derived DESC, grp
LIMIT :limit
