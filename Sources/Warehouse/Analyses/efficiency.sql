-- Efficiency: latest score per model and score per billion parameters.
WITH latest AS (
    -- One seek per model down the observations' primary key (model, metric, observed_on).
    SELECT m.key,
           (SELECT o.value FROM observations AS o
            WHERE o.model = m.key AND o.metric = :metric_key AND o.observed_on <= :as_of
            ORDER BY o.observed_on DESC LIMIT 1) AS value
    FROM models AS m
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
