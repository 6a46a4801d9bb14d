-- Cadence: releases per group in a date range, and the median gap between them.
WITH in_range AS (
    SELECT r.id, r.released_on,
           CASE :by WHEN 'country' THEN org.country ELSE org.id END AS grp
    FROM releases AS r
    JOIN organizations AS org ON org.id = r.organization
    WHERE r.released_on BETWEEN coalesce(:from, '0000-01-01') AND :to
),
gaps AS (
    SELECT grp, julianday(released_on)
               - julianday(lag(released_on) OVER (PARTITION BY grp ORDER BY released_on, id)) AS gap
    FROM in_range
),
ordered_gaps AS (
    SELECT grp, gap,
           row_number() OVER (PARTITION BY grp ORDER BY gap) AS position,
           count(*) OVER (PARTITION BY grp) AS n
    FROM gaps WHERE gap IS NOT NULL
),
medians AS (
    -- The middle gap, or the mean of the two middle ones.
    SELECT grp, avg(gap) AS median_gap_days
    FROM ordered_gaps
    WHERE position IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY grp
),
per_group AS (
    SELECT grp, count(*) AS releases, min(released_on) AS first_release, max(released_on) AS last_release
    FROM in_range GROUP BY grp
),
model_counts AS (
    SELECT i.grp, count(m.key) AS models
    FROM in_range AS i JOIN models AS m ON m.release = i.id
    GROUP BY i.grp
)
SELECT p.grp AS "group", p.releases, coalesce(c.models, 0) AS models,
       p.first_release, p.last_release, md.median_gap_days
FROM per_group AS p
LEFT JOIN model_counts AS c ON c.grp = p.grp
LEFT JOIN medians AS md ON md.grp = p.grp
ORDER BY p.releases DESC, p.grp
