-- Leaderboard: each model's latest observation on or before as-of, ranked.
WITH latest AS (
    -- SQLite takes the bare column `value` from the row holding max(observed_on).
    SELECT o.model, o.value, max(o.observed_on) AS observed_on
    FROM observations AS o
    WHERE o.metric = :metric_key AND o.observed_on <= :as_of
    GROUP BY o.model
),
by_model AS (
    SELECT m.id AS model, m.organization, org.country, l.value
    FROM latest AS l
    JOIN models AS m ON m.key = l.model
    JOIN organizations AS org ON org.id = m.organization
),
by_group AS (
    SELECT CASE :by WHEN 'country' THEN country ELSE organization END AS grp,
           CASE :metric_kind WHEN 'score' THEN
               CASE :metric_sign WHEN 1 THEN max(value) ELSE min(value) END
           ELSE sum(value) END AS value,
           count(*) AS models
    FROM by_model
    GROUP BY 1
)
SELECT rank, model, organization, country, "group", value, models FROM (
    SELECT rank() OVER (ORDER BY value * :metric_sign DESC) AS rank,
           model, organization, country, NULL AS "group", value, NULL AS models, model AS name
    FROM by_model WHERE :by = 'model'
    UNION ALL
    SELECT rank() OVER (ORDER BY value * :metric_sign DESC) AS rank,
           NULL, NULL, NULL, grp, value, models, grp AS name
    FROM by_group WHERE :by <> 'model'
)
ORDER BY rank, name
LIMIT :limit
