-- Leaderboard: each model's latest observation on or before as-of, ranked.
WITH latest AS (
    -- One seek per model down the observations' primary key (model, metric, observed_on):
    -- far fewer rows than scanning every observation of the metric.
    SELECT m.id AS model, m.organization, org.country,
           (SELECT o.value FROM observations AS o
            WHERE o.model = m.key AND o.metric = :metric_key AND o.observed_on <= :as_of
            ORDER BY o.observed_on DESC LIMIT 1) AS value
    FROM models AS m
    JOIN organizations AS org ON org.id = m.organization
),
by_model AS (
    SELECT model, organization, country, value FROM latest WHERE value IS NOT NULL
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
