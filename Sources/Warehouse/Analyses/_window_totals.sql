-- Each model's sum of a window metric over observations dated from :from to :to, read
-- mostly from observation_years (Migrations/0002): whole years inside the range come from
-- the yearly totals, and a year only partly inside takes one range seek per model observed
-- that year. Included by analyses as the CTE `model_totals (model, value)`.
span AS (
    SELECT coalesce(:from, '0000-01-01') AS f, :to AS t
),
whole_years AS (
    SELECT f, t,
           CASE WHEN substr(f, 6) = '01-01' THEN substr(f, 1, 4)
                ELSE printf('%04d', CAST(substr(f, 1, 4) AS INTEGER) + 1) END AS y1,
           CASE WHEN substr(t, 6) = '12-31' THEN substr(t, 1, 4)
                ELSE printf('%04d', CAST(substr(t, 1, 4) AS INTEGER) - 1) END AS y2
    FROM span
),
year_parts AS (
    SELECT s.model, s.total AS value
    FROM observation_years AS s, whole_years
    WHERE s.metric = :metric_key AND s.year BETWEEN y1 AND y2
    UNION ALL
    SELECT s.model,
           (SELECT sum(o.value) FROM observations AS o
            WHERE o.model = s.model AND o.metric = :metric_key
              AND o.observed_on BETWEEN max(f, s.year || '-01-01') AND min(t, s.year || '-12-31')) AS value
    FROM observation_years AS s, whole_years
    WHERE s.metric = :metric_key AND s.year BETWEEN substr(f, 1, 4) AND substr(t, 1, 4)
      AND (s.year < y1 OR s.year > y2)
),
model_totals AS (
    -- A model with no observation in the range has no row.
    SELECT model, sum(value) AS value FROM year_parts WHERE value IS NOT NULL GROUP BY model
)
