-- Timeline: models per release period and group.
SELECT CASE :period
           WHEN 'month' THEN substr(m.released_on, 1, 7)
           WHEN 'year' THEN substr(m.released_on, 1, 4)
           ELSE substr(m.released_on, 1, 4) || '-Q' || ((CAST(substr(m.released_on, 6, 2) AS INTEGER) + 2) / 3)
       END AS period,
       coalesce(CASE :by
           WHEN 'organization' THEN m.organization
           WHEN 'openness' THEN m.openness
           WHEN 'architecture' THEN m.architecture
           ELSE org.country
       END, 'unknown') AS "group",
       count(*) AS models
FROM models AS m
JOIN organizations AS org ON org.id = m.organization
-- Stubs (bases known only by their id) have no release date of their own.
WHERE m.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to AND NOT m.stub
GROUP BY 1, 2
ORDER BY period, models DESC, "group"
