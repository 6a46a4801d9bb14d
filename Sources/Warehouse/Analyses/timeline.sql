-- Timeline: models per release period and group.
WITH by_month AS (
    -- Counted per month and organization (or licence class, or architecture) first: a few
    -- thousand rows, where grouping every model by its period text and its organization's
    -- country sorted and joined all of them.
    SELECT substr(m.released_on, 1, 7) AS month,
           CASE :by
               WHEN 'openness' THEN m.openness
               WHEN 'architecture' THEN m.architecture
               ELSE m.organization
           END AS unit,
           count(*) AS models
    FROM models AS m
    -- Stubs (bases known only by their id) have no release date of their own.
    WHERE m.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to AND NOT m.stub
    GROUP BY 1, 2
)
SELECT CASE :period
           WHEN 'month' THEN b.month
           WHEN 'year' THEN substr(b.month, 1, 4)
           ELSE substr(b.month, 1, 4) || '-Q' || ((CAST(substr(b.month, 6, 2) AS INTEGER) + 2) / 3)
       END AS period,
       coalesce(CASE :by
           WHEN 'country' THEN (SELECT org.country FROM organizations AS org WHERE org.id = b.unit)
           ELSE b.unit
       END, 'unknown') AS "group",
       sum(b.models) AS models
FROM by_month AS b
GROUP BY 1, 2
ORDER BY period, models DESC, "group"
