-- Download share: a window metric summed per group over an observation date range.
-- Summing per model first joins each model once, not once per observation.
WITH per_model AS (
    SELECT o.model, sum(o.value) AS value
    FROM observations AS o
    WHERE o.metric = :metric_key
      AND o.observed_on BETWEEN coalesce(:from, '0000-01-01') AND :to
    GROUP BY o.model
),
in_range AS (
    SELECT p.model, p.value,
           CASE :by WHEN 'organization' THEN org.id WHEN 'kind' THEN org.kind ELSE org.country END AS grp
    FROM per_model AS p
    JOIN models AS m ON m.key = p.model
    JOIN organizations AS org ON org.id = m.organization
    WHERE :released_from IS NULL OR m.released_on >= :released_from
),
per_group AS (
    -- Each per_model row is one model with an observation in range.
    SELECT grp, sum(value) AS value, count(*) AS models
    FROM in_range GROUP BY grp
),
ranked AS (
    SELECT grp, value, models, row_number() OVER (ORDER BY value DESC, grp) AS position,
           sum(value) OVER () AS total
    FROM per_group
),
collapsed AS (
    SELECT CASE WHEN :top IS NOT NULL AND position > :top THEN 'other' ELSE grp END AS grp,
           sum(value) AS value, sum(models) AS models, max(total) AS total,
           min(position) AS position
    FROM ranked
    GROUP BY 1
)
SELECT grp AS "group", value,
       round(100.0 * value / nullif(total, 0), 2) AS share_pct,
       models
FROM collapsed
-- The rest goes last, whatever its size.
ORDER BY grp = 'other' AND :top IS NOT NULL, value DESC, grp
