-- Each model's latest value of a metric on or before :as_of. observation_latest
-- (Migrations/0002, 0010) holds each model's latest value and its first observation date;
-- only a model observed both before and after :as_of needs a seek back into its observations. Included by analyses as the CTE
-- `latest (model, value)`; value is NULL for a model with nothing on or before :as_of.
latest AS (
    SELECT l.model,
           CASE WHEN l.observed_on <= :as_of THEN l.value
                WHEN l.first_observed > :as_of THEN NULL
                ELSE (SELECT o.value FROM observations AS o
                      WHERE o.model = l.model AND o.metric = :metric_key AND o.observed_day <= unixepoch(:as_of) / 86400
                      ORDER BY o.observed_day DESC LIMIT 1) END AS value
    FROM observation_latest AS l
    WHERE l.metric = :metric_key
)
