-- Efficiency: latest score per model and score per billion parameters.
WITH latest AS (
    -- observation_latest (Migrations/0002) holds each model's latest value; only a model
    -- observed after --as-of needs a seek back into its observations.
    SELECT l.model AS key,
           CASE WHEN l.observed_on <= :as_of THEN l.value
                ELSE (SELECT o.value FROM observations AS o
                      WHERE o.model = l.model AND o.metric = :metric_key AND o.observed_on <= :as_of
                      ORDER BY o.observed_on DESC LIMIT 1) END AS value
    FROM observation_latest AS l
    WHERE l.metric = :metric_key
),
sized AS (
    SELECT m.id AS model, m.organization, l.value AS score, m.params_total_b,
           coalesce(m.params_active_b,
                    CASE WHEN m.architecture = 'moe' THEN NULL ELSE m.params_total_b END) AS params_active_b
    FROM latest AS l JOIN models AS m ON m.key = l.key
    WHERE l.value IS NOT NULL
)
SELECT model, organization, score, params_total_b, params_active_b,
       round(score / params_total_b, 4) AS score_per_total_b,
       round(score / params_active_b, 4) AS score_per_active_b
FROM sized
ORDER BY score * :metric_sign DESC, model
LIMIT :limit
