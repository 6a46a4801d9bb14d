-- Openness: the licence mix of models released per period.
WITH counted AS (
    SELECT CASE :period
               WHEN 'quarter' THEN substr(released_on, 1, 4) || '-Q' || ((CAST(substr(released_on, 6, 2) AS INTEGER) + 2) / 3)
               ELSE substr(released_on, 1, 4)
           END AS period,
           coalesce(openness, 'unknown') AS openness,
           count(*) AS models
    FROM models
    -- Stubs (bases known only by their id) have no release date of their own.
    WHERE released_on BETWEEN coalesce(:from, '0000-01-01') AND :to AND NOT stub
    GROUP BY 1, 2
)
SELECT period, openness, models,
       round(100.0 * models / sum(models) OVER (PARTITION BY period), 2) AS share_pct
FROM counted
ORDER BY period, models DESC, openness
