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
ancestors (model, base) AS (
    SELECT r.model, r.base
    FROM models AS d JOIN model_bases AS r ON r.model = d.key
    WHERE d.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
      AND (:relation IS NULL OR instr(',' || :relation || ',', ',' || r.relation || ',') > 0)
    UNION
    SELECT a.model, r.base
    FROM ancestors AS a JOIN model_bases AS r ON r.model = a.base
    WHERE coalesce(:depth, 'direct') <> 'direct'
      AND (:relation IS NULL OR instr(',' || :relation || ',', ',' || r.relation || ',') > 0)
),
pairs AS (
    SELECT DISTINCT a.model,
           CASE :by WHEN 'organization' THEN b.organization WHEN 'country' THEN org.country ELSE b.id END AS grp
    FROM ancestors AS a
    JOIN models AS b ON b.key = a.base
    JOIN organizations AS org ON org.id = b.organization
    -- A root has no base of its own among the relations followed.
    WHERE coalesce(:depth, 'direct') <> 'root'
       OR NOT EXISTS (SELECT 1 FROM model_bases AS r
                      WHERE r.model = a.base
                        AND (:relation IS NULL OR instr(',' || :relation || ',', ',' || r.relation || ',') > 0))
),
per_group AS (
    SELECT p.grp, count(*) AS derived, sum(ma.value) AS value
    FROM pairs AS p
    LEFT JOIN model_amounts AS ma ON :metric IS NOT NULL AND ma.model = p.model
    GROUP BY p.grp
)
SELECT rank() OVER (ORDER BY derived DESC) AS rank,
       grp AS base,
       derived,
       round(100.0 * derived / (SELECT count(DISTINCT model) FROM pairs), 2) AS share_pct,
       value
FROM per_group
ORDER BY derived DESC, grp
LIMIT :limit
