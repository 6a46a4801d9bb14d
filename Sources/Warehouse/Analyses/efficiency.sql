-- Efficiency: latest score per model and score per billion parameters.
WITH latest AS (
    -- SQLite takes the bare column `value` from the row holding max(observed_on).
    SELECT o.model, o.value, max(o.observed_on) AS observed_on
    FROM observations AS o
    WHERE o.metric = :metric_key AND o.observed_on <= :as_of
    GROUP BY o.model
),
sized AS (
    SELECT m.id AS model, m.organization, l.value AS score, m.params_total_b,
           coalesce(m.params_active_b,
                    CASE WHEN m.architecture = 'moe' THEN NULL ELSE m.params_total_b END) AS params_active_b
    FROM latest AS l JOIN models AS m ON m.key = l.model
)
SELECT model, organization, score, params_total_b, params_active_b,
       round(score / params_total_b, 4) AS score_per_total_b,
       round(score / params_active_b, 4) AS score_per_active_b
FROM sized
ORDER BY score * :metric_sign DESC, model
LIMIT :limit
