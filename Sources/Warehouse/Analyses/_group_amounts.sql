-- Each group's amount of a window or cumulative metric in the range :from … :to, per
-- period (:period month, quarter or year; NULL: one period, all), with its coverage, under
-- the definition in MetricSpan.swift. Groups are {group_by}, a value the includer gives
-- (`-- @include _group_amounts group_by=:by`): 'model' (the model id), 'organization',
-- 'kind', or else the country. Whole months come from the monthly summaries in one slice
-- (per organization, or per model: see grain); only the partial months at the range's edges
-- are computed from the observations. Included by
-- analyses as CTEs ending in
--   group_amounts (period, grp, value, covered_days, model_days, models)
-- over the models with an observation of the metric (and, with :released_from, released on
-- or after it): model_days are their days in the period from release on, covered_days those
-- an observation covers, models those released by the period's end, value the amount
-- credited to the period. With :fill_gaps, each model's uncovered days are credited at its
-- mean daily rate over its covered days in the whole range.
range AS (
    SELECT coalesce(:from, (SELECT min(month) FROM observation_months WHERE metric = :metric_key) || '-01', :to) AS first_day,
           :to AS last_day
),
months (month_start) AS (
    SELECT date(first_day, 'start of month') FROM range
    UNION ALL
    SELECT date(month_start, '+1 month') FROM months, range WHERE date(month_start, '+1 month') <= last_day
),
pieces AS (
    SELECT substr(month_start, 1, 7) AS month, ps_text, pe_text,
           ps_text = month_start AND pe_text = date(month_start, '+1 month', '-1 day') AS whole,
           -- A month of a year the range holds whole, when periods are years or the range:
           -- read from observation_years.
           coalesce(:period, 'year') = 'year' AND first_day <= substr(month_start, 1, 4) || '-01-01'
               AND last_day >= substr(month_start, 1, 4) || '-12-31' AS year_whole,
           -- Day numbers, as observations store them (days since 1970-01-01).
           unixepoch(ps_text) / 86400 AS ps, unixepoch(pe_text) / 86400 AS pe,
           CASE :period
               WHEN 'month' THEN substr(month_start, 1, 7)
               WHEN 'quarter' THEN substr(month_start, 1, 4) || '-Q' || ((CAST(substr(month_start, 6, 2) AS INTEGER) + 2) / 3)
               WHEN 'year' THEN substr(month_start, 1, 4)
               ELSE 'all' END AS period,
           -- The period as a number: sorting and grouping on it is cheaper than on text.
           CASE :period
               WHEN 'month' THEN CAST(substr(month_start, 1, 4) AS INTEGER) * 12 + CAST(substr(month_start, 6, 2) AS INTEGER)
               WHEN 'quarter' THEN CAST(substr(month_start, 1, 4) AS INTEGER) * 4 + (CAST(substr(month_start, 6, 2) AS INTEGER) + 2) / 3
               WHEN 'year' THEN CAST(substr(month_start, 1, 4) AS INTEGER)
               ELSE 0 END AS period_key
    FROM (SELECT month_start, first_day, last_day, max(month_start, first_day) AS ps_text,
                 min(date(month_start, '+1 month', '-1 day'), last_day) AS pe_text
          FROM months, range)
    WHERE ps_text <= pe_text
),
periods AS (
    SELECT period, period_key, min(ps) AS ps, max(pe) AS pe FROM pieces GROUP BY period_key
),
edges AS (
    -- The partial months, at most two: the first and the last of the range.
    SELECT CASE WHEN month = (SELECT min(month) FROM pieces) THEN 'first' ELSE 'last' END AS edge,
           month, period_key, ps, pe, ps_text, pe_text,
           date(pe_text, printf('+%d days', coalesce(:metric_window, 1) - 1)) AS window_end,
           pe + coalesce(:metric_window, 1) - 1 AS window_end_day
    FROM pieces WHERE NOT whole
),
units AS MATERIALIZED (
    -- Each organization's group, when groups are sets of organizations (by model: none), and
    -- the group as a number for cheap grouping: the organization's rowid, or a country's two
    -- capital letters (the schema checks them) as one integer: no sort, where ranking the
    -- groups sorted every model. A kind stays text: there are five. Read from organizations
    -- (thousands of rows), so no pass makes pairs distinct over every measured model.
    SELECT id AS unit, CASE {group_by} WHEN 'organization' THEN id WHEN 'kind' THEN kind ELSE country END AS grp,
           CASE {group_by} WHEN 'organization' THEN rowid WHEN 'kind' THEN kind
                ELSE unicode(country) * 128 + unicode(substr(country, 2)) END AS grp_key
    FROM organizations WHERE {group_by} <> 'model'
),
measured AS MATERIALIZED (
    -- The models counted: those with an observation of the metric, with their group and its
    -- number (by model: the model's id and key), and the unit the group is made of (the
    -- model, or its organization: every other group is a set of organizations).
    SELECT model, first_observed, last_observed, r, grp, unit, grp_key
    FROM (SELECT l.model, l.first_observed, l.observed_on AS last_observed, unixepoch(m.released_on) / 86400 AS r,
                 CASE {group_by} WHEN 'model' THEN l.model ELSE u.grp_key END AS grp_key,
                 CASE {group_by} WHEN 'model' THEN m.id ELSE u.grp END AS grp,
                 CASE {group_by} WHEN 'model' THEN l.model ELSE m.organization END AS unit
          FROM observation_latest AS l
          JOIN models AS m ON m.key = l.model
          LEFT JOIN units AS u ON u.unit = m.organization
          -- A stub (a base known only by name) has no release date, so no days to count.
          WHERE l.metric = :metric_key AND m.stub = 0 AND (:released_from IS NULL OR m.released_on >= :released_from))
),
bounds AS (
    -- Each measured model's observations that can credit a partial month, with its group and
    -- release day and the month's period carried along: for a window metric those dated from
    -- the month's first day to W − 1 days after its last (an observation before the month
    -- only ends its successor's span before the month, where the credit clips it anyway);
    -- for a cumulative one, from the observation before the month to the one after it (its
    -- first and last observation dates spare the seeks when there is none). A model last
    -- observed before the month has nothing in it, nor does one released and first observed
    -- after it.
    SELECT s.model, s.r, s.grp_key, e.month AS part, e.period_key, e.ps, e.pe,
           CASE WHEN :metric_kind = 'window' OR s.first_observed >= e.ps_text THEN e.ps
                ELSE (SELECT max(o.observed_day) FROM observations AS o
                      WHERE o.model = s.model AND o.metric = :metric_key AND o.observed_day < e.ps) END AS lo,
           CASE WHEN :metric_kind = 'window' THEN e.window_end_day
                WHEN s.last_observed <= e.pe_text THEN e.pe
                ELSE (SELECT min(o.observed_day) FROM observations AS o
                      WHERE o.model = s.model AND o.metric = :metric_key AND o.observed_day > e.pe) END AS hi
    FROM edges AS e JOIN measured AS s
    WHERE s.last_observed >= e.ps_text
      AND CASE WHEN :metric_kind = 'window' THEN s.first_observed <= e.window_end
               ELSE s.r <= e.pe OR s.first_observed <= e.pe_text END
),
edge_credit AS (
    -- The partial months, credited per model by PartialCredit.swift (owl's one definition,
    -- MetricSpan), then summed at whole_credit's grain.
    SELECT period_key, grp_key, CASE WHEN coalesce(:fill_gaps, 0) THEN model END AS model,
           sum(amount) AS amount, sum(covered_days) AS covered_days
    FROM (SELECT b.period_key, b.grp_key, b.model,
                 owl_partial_amount(:metric_window, b.r, b.ps, b.pe, o.observed_day, o.value) AS amount,
                 owl_partial_covered_days(:metric_window, b.r, b.ps, b.pe, o.observed_day, o.value) AS covered_days
          FROM bounds AS b
          JOIN observations AS o ON o.model = b.model AND o.metric = :metric_key AND o.observed_day BETWEEN b.lo AND b.hi
          GROUP BY b.model, b.part)
    GROUP BY 1, 2, 3
),
whole_years AS (
    SELECT min(month) AS first_month, max(month) AS last_month FROM pieces WHERE year_whole
),
grain AS (
    -- Whole months are read per organization (observation_organization_months, a few
    -- thousand rows) when groups are sets of organizations and every model counts; per model
    -- otherwise, or while a model's move has left an organization's sums to recompute.
    SELECT {group_by} <> 'model' AND :released_from IS NULL AND NOT coalesce(:fill_gaps, 0)
           AND NOT EXISTS (SELECT 1 FROM observation_organization_months_stale) AS by_organization
),
month_runs AS (
    -- The whole months outside the whole years: a contiguous run before them and one after
    -- (only the range's ends can cut a month). A run with no month has NULL bounds.
    SELECT min(p.month) AS first_month, max(p.month) AS last_month
    FROM pieces AS p, whole_years AS y
    WHERE p.whole AND NOT p.year_whole AND p.month < coalesce(y.first_month, '9999')
    UNION ALL
    SELECT min(p.month), max(p.month)
    FROM pieces AS p, whole_years AS y
    WHERE p.whole AND NOT p.year_whole AND p.month > y.last_month
),
whole_credit AS (
    -- Per model (see grain): whole years from observation_years, the other whole months from
    -- observation_months. Summed per period and unit straight from the slices (the models
    -- they read are the measured ones: only they have rows), and per model too only with
    -- --fill-gaps, which needs each model's rate.
    SELECT CASE :period
               WHEN 'month' THEN CAST(substr(o.month, 1, 4) AS INTEGER) * 12 + CAST(substr(o.month, 6, 2) AS INTEGER)
               WHEN 'quarter' THEN CAST(substr(o.month, 1, 4) AS INTEGER) * 4 + (CAST(substr(o.month, 6, 2) AS INTEGER) + 2) / 3
               WHEN 'year' THEN CAST(substr(o.month, 1, 4) AS INTEGER)
               ELSE 0 END AS period_key,
           CASE {group_by} WHEN 'model' THEN o.model ELSE m.organization END AS unit,
           CASE WHEN coalesce(:fill_gaps, 0) THEN o.model END AS model,
           sum(o.amount) AS amount, sum(o.covered_days) AS covered_days
    -- CROSS JOIN keeps the runs outside, so each is one slice of the table's key.
    FROM month_runs AS r
    CROSS JOIN observation_months AS o ON o.metric = :metric_key AND o.month BETWEEN r.first_month AND r.last_month
    CROSS JOIN models AS m ON m.key = o.model
    WHERE NOT (SELECT by_organization FROM grain)
      AND m.stub = 0 AND (:released_from IS NULL OR m.released_on >= :released_from)
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT CASE :period WHEN 'year' THEN CAST(y.year AS INTEGER) ELSE 0 END,
           CASE {group_by} WHEN 'model' THEN y.model ELSE m.organization END,
           CASE WHEN coalesce(:fill_gaps, 0) THEN y.model END,
           sum(y.amount), sum(y.covered_days)
    FROM observation_years AS y JOIN models AS m ON m.key = y.model
    WHERE NOT (SELECT by_organization FROM grain)
      AND y.metric = :metric_key AND m.stub = 0 AND (:released_from IS NULL OR m.released_on >= :released_from)
      AND y.year BETWEEN (SELECT substr(first_month, 1, 4) FROM whole_years) AND (SELECT substr(last_month, 1, 4) FROM whole_years)
    GROUP BY 1, 2, 3
    UNION ALL
    -- Per organization: every whole month, those of whole years too, each month one slice of
    -- the table's key (CROSS JOIN keeps the months outside: with the table outside, SQLite
    -- scanned every month of the range for each month).
    SELECT p.period_key, o.organization, NULL, sum(o.amount), sum(o.covered_days)
    FROM pieces AS p
    CROSS JOIN observation_organization_months AS o ON o.metric = :metric_key AND o.month = p.month
    WHERE (SELECT by_organization FROM grain) AND p.whole
    GROUP BY 1, 2
),
credit AS (
    SELECT w.period_key, coalesce(u.grp_key, w.unit) AS grp_key, w.model, w.amount, w.covered_days
    FROM whole_credit AS w LEFT JOIN units AS u ON u.unit = w.unit
    UNION ALL
    SELECT * FROM edge_credit
),
group_credit AS (
    SELECT period_key, grp_key, sum(amount) AS value, sum(covered_days) AS covered_days
    FROM credit
    GROUP BY period_key, grp_key
),
group_days AS (
    -- Days from release on, counted per release day rather than per model.
    -- The group's name rides along: every row of a grp_key has the same grp, so SQLite's
    -- bare column is it, and no second pass makes the pairs distinct.
    SELECT p.period_key, d.grp_key, d.grp, sum(d.n * max(0, p.pe - max(p.ps, d.r) + 1)) AS model_days,
           sum(CASE WHEN d.r <= p.pe THEN d.n ELSE 0 END) AS models
    FROM (SELECT grp_key, grp, r, count(*) AS n FROM measured GROUP BY grp_key, r) AS d
    CROSS JOIN periods AS p
    GROUP BY p.period_key, d.grp_key
),
model_credit AS (
    -- Only with --fill-gaps: each model's amount and covered days per period, and its rate.
    SELECT model, period_key, sum(amount) AS value, sum(covered_days) AS covered_days
    FROM credit
    WHERE coalesce(:fill_gaps, 0)
    GROUP BY model, period_key
),
filled AS (
    SELECT p.period_key, s.grp_key,
           sum((max(0, p.pe - max(p.ps, s.r) + 1) - coalesce(c.covered_days, 0)) * t.rate) AS value
    FROM (SELECT model, sum(value) / nullif(sum(covered_days), 0) AS rate FROM model_credit GROUP BY model) AS t
    JOIN measured AS s ON s.model = t.model
    CROSS JOIN periods AS p
    LEFT JOIN model_credit AS c ON c.model = t.model AND c.period_key = p.period_key
    WHERE coalesce(:fill_gaps, 0) AND t.rate IS NOT NULL
    GROUP BY p.period_key, s.grp_key
),
group_amounts AS (
    SELECT p.period, d.grp, coalesce(c.value, 0) + coalesce(f.value, 0) AS value,
           coalesce(c.covered_days, 0) AS covered_days, d.model_days, d.models
    FROM group_days AS d
    JOIN periods AS p ON p.period_key = d.period_key
    LEFT JOIN group_credit AS c ON c.period_key = d.period_key AND c.grp_key = d.grp_key
    LEFT JOIN filled AS f ON f.period_key = d.period_key AND f.grp_key = d.grp_key
    -- A group with no model released yet has nothing in the period, unless an observation
    -- dated before its model's release date (inconsistent data) credits it.
    WHERE d.model_days > 0 OR coalesce(c.value, 0) <> 0
)
