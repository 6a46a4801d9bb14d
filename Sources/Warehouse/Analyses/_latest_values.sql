-- Each model's latest value of a metric on or before :as_of. Included by analyses as the CTE
-- `latest (model, value)`; value is NULL for a model with nothing on or before :as_of.
--
-- observation_latest (Migrations/0002, 0010) holds each series' latest value and first
-- observation date. For a cumulative metric, observation_months (Migrations/0012) has a row
-- in the month of :as_of for every series that had begun by then and not ended, with where it
-- stood when the month started and ended and the days of the month of its first and last
-- observations in it: so the series that ended before the month come from observation_latest
-- and the rest from the month's slice, two reads in key order. Only a series observed in the
-- month both on or before :as_of and after it (snapshots more often than monthly) seeks back
-- into its observations, as every model observed on both sides of :as_of does for a score.
latest AS (
    SELECT l.model,
           CASE WHEN l.observed_on <= :as_of THEN l.value
                WHEN l.first_observed > :as_of THEN NULL
                ELSE (SELECT o.value FROM observations AS o
                      WHERE o.model = l.model AND o.metric = :metric_key AND o.observed_day <= unixepoch(:as_of) / 86400
                      ORDER BY o.observed_day DESC LIMIT 1) END AS value
    FROM observation_latest AS l
    WHERE :metric_kind <> 'cumulative' AND l.metric = :metric_key
    UNION ALL
    SELECT l.model, l.value
    FROM observation_latest AS l
    WHERE :metric_kind = 'cumulative' AND l.metric = :metric_key AND l.observed_on < substr(:as_of, 1, 8) || '01'
    UNION ALL
    SELECT m.model,
           CASE WHEN m.first_day IS NULL OR m.first_day > CAST(substr(:as_of, 9, 2) AS INTEGER) THEN m.start_value
                WHEN m.last_day <= CAST(substr(:as_of, 9, 2) AS INTEGER) THEN m.end_value
                ELSE (SELECT o.value FROM observations AS o
                      WHERE o.model = m.model AND o.metric = :metric_key AND o.observed_day <= unixepoch(:as_of) / 86400
                      ORDER BY o.observed_day DESC LIMIT 1) END
    FROM observation_months AS m
    WHERE :metric_kind = 'cumulative' AND m.metric = :metric_key AND m.month = substr(:as_of, 1, 7)
)
