-- Leaderboard: each model's latest observation on or before as-of, ranked.
WITH
-- @include _latest_values
,
cut AS (
    -- The value of the last row shown: every model at least as good ranks within the limit.
    SELECT value * :metric_sign AS score FROM latest
    WHERE value IS NOT NULL AND :by = 'model'
    ORDER BY value * :metric_sign DESC LIMIT 1 OFFSET :limit - 1
),
ranked AS (
    -- Ranks among the models at or above the cut equal their ranks among all models.
    SELECT model, value, rank() OVER (ORDER BY value * :metric_sign DESC) AS rank
    FROM latest
    WHERE value IS NOT NULL AND :by = 'model'
      AND value * :metric_sign >= coalesce((SELECT score FROM cut), value * :metric_sign)
),
by_model AS (
    -- Only the ranks shown are joined to their names; ties at the cut stay in for LIMIT.
    SELECT r.rank, m.id AS model, m.organization, org.country, r.value
    FROM ranked AS r
    JOIN models AS m ON m.key = r.model
    JOIN organizations AS org ON org.id = m.organization
    WHERE r.rank <= :limit
),
by_group AS (
    SELECT CASE :by WHEN 'country' THEN org.country ELSE m.organization END AS grp,
           CASE :metric_kind WHEN 'score' THEN
               CASE :metric_sign WHEN 1 THEN max(l.value) ELSE min(l.value) END
           ELSE sum(l.value) END AS value,
           count(*) AS models
    FROM latest AS l
    JOIN models AS m ON m.key = l.model
    JOIN organizations AS org ON org.id = m.organization
    WHERE :by <> 'model' AND l.value IS NOT NULL
    GROUP BY 1
)
SELECT rank, model, organization, country, "group", value, models FROM (
    SELECT rank, model, organization, country, NULL AS "group", value, NULL AS models, model AS name
    FROM by_model
    UNION ALL
    SELECT rank() OVER (ORDER BY value * :metric_sign DESC) AS rank,
           NULL, NULL, NULL, grp, value, models, grp AS name
    FROM by_group
)
ORDER BY rank, name
LIMIT :limit
