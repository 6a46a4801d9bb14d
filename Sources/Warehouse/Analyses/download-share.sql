-- Download share: a window metric summed per group over an observation date range.
WITH
-- @include _window_totals
,
per_organization AS (
    -- Organizations are few: summing per organization first joins each one once.
    SELECT m.organization, sum(t.value) AS value, count(*) AS models
    FROM model_totals AS t
    JOIN models AS m ON m.key = t.model
    WHERE :released_from IS NULL OR m.released_on >= :released_from
    GROUP BY m.organization
),
per_group AS (
    SELECT CASE :by WHEN 'organization' THEN org.id WHEN 'kind' THEN org.kind ELSE org.country END AS grp,
           sum(p.value) AS value, sum(p.models) AS models
    FROM per_organization AS p
    JOIN organizations AS org ON org.id = p.organization
    GROUP BY grp
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
