-- Cadence: the distinct days on which each group released a model, and the median gap
-- between consecutive release days. A model's day is its own released_on (its release's
-- date unless the model row says otherwise), so models without a release row count too and
-- same-day variants make one release day, not gaps of 0 days. A release row with no model
-- is a release day as well, unless --openness asks for models of one licence class.
WITH events AS (
    SELECT m.organization, m.released_on AS day, 1 AS is_model
    FROM models AS m
    -- Stubs (bases known only by their id) have no release day of their own.
    WHERE m.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to AND NOT m.stub
      AND (:openness IS NULL OR m.openness = :openness)
    UNION ALL
    SELECT r.organization, r.released_on, 0
    FROM releases AS r
    WHERE r.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to AND :openness IS NULL
      AND NOT EXISTS (SELECT 1 FROM models AS m WHERE m.release = r.id)
),
org_groups AS MATERIALIZED (
    -- Each organization's group, looked up once per organization rather than once per model.
    SELECT id, CASE :by WHEN 'country' THEN country ELSE id END AS grp FROM organizations
),
days AS (
    -- One row per group and release day, with the models released that day (0 for a
    -- release row alone).
    SELECT g.grp, e.day, sum(e.is_model) AS models
    FROM events AS e JOIN org_groups AS g ON g.id = e.organization
    GROUP BY g.grp, e.day
),
gaps AS (
    SELECT grp, julianday(day) - julianday(lag(day) OVER (PARTITION BY grp ORDER BY day)) AS gap
    FROM days
),
ordered_gaps AS (
    SELECT grp, gap,
           row_number() OVER (PARTITION BY grp ORDER BY gap) AS position,
           count(*) OVER (PARTITION BY grp) AS n
    FROM gaps WHERE gap IS NOT NULL
),
medians AS (
    -- The middle gap, or the mean of the two middle ones.
    SELECT grp, avg(gap) AS median_gap_days
    FROM ordered_gaps
    WHERE position IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY grp
),
per_group AS (
    SELECT grp, count(*) AS release_days, sum(models) AS models,
           min(day) AS first_release, max(day) AS last_release
    FROM days GROUP BY grp
)
SELECT p.grp AS "group", p.release_days, p.models, p.first_release, p.last_release, md.median_gap_days
FROM per_group AS p
LEFT JOIN medians AS md ON md.grp = p.grp
ORDER BY p.release_days DESC, p.grp
