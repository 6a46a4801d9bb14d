-- Each model's sum of a window metric over observations dated from :from to :to, read
-- mostly from observation_years (Migrations/0002): a year wholly inside the range counts its
-- yearly total, a year partly inside takes one range seek into that model's observations.
-- A single scan of the summaries in their key order (metric, model, year) with no join, so
-- the GROUP BY needs no sort; the range's bounds are constant expressions SQLite computes
-- once. Included by analyses as the CTE `model_totals (model, value)`; a model with no
-- observation in the range has no row.
model_totals AS (
    SELECT model,
           sum(CASE
               -- Years wholly inside: from the first whole year to the last.
               WHEN year BETWEEN
                    CASE WHEN substr(coalesce(:from, '0000-01-01'), 6) = '01-01' THEN substr(coalesce(:from, '0000-01-01'), 1, 4)
                         ELSE printf('%04d', CAST(substr(coalesce(:from, '0000-01-01'), 1, 4) AS INTEGER) + 1) END
                AND CASE WHEN substr(:to, 6) = '12-31' THEN substr(:to, 1, 4)
                         ELSE printf('%04d', CAST(substr(:to, 1, 4) AS INTEGER) - 1) END
               THEN total
               ELSE (SELECT sum(o.value) FROM observations AS o
                     WHERE o.model = observation_years.model AND o.metric = :metric_key
                       AND o.observed_on BETWEEN max(coalesce(:from, '0000-01-01'), year || '-01-01')
                                             AND min(:to, year || '-12-31'))
           END) AS value
    FROM observation_years
    WHERE metric = :metric_key AND year BETWEEN substr(coalesce(:from, '0000-01-01'), 1, 4) AND substr(:to, 1, 4)
    GROUP BY model
    HAVING value IS NOT NULL
)
