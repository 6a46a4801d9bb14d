-- Where each cumulative series stands when every month starts and ends, so that a leaderboard
-- as of a past date reads one month's slice of observation_months instead of seeking back
-- into the observations once for every model observed on both sides of the date
-- (Analyses/_latest_values.sql).
--
-- start_value  the value of the series' latest observation dated before the month's first
--              day (NULL when none is)
-- end_value    … dated on or before the month's last day
-- first_day    day of the month (1–31) of the series' first observation dated in the month
-- last_day     … and of its last one (both NULL when none is dated in the month)
--
-- Cumulative metrics only (NULL in a window metric's rows); kept by owl ingest from here on
-- (ObservationSummaries). A cumulative series has a row for every month from its release
-- (or first observation, if earlier) to its last observation, so the month of a date holds
-- every series that had begun by then and had not ended.
ALTER TABLE observation_months ADD COLUMN start_value REAL;
ALTER TABLE observation_months ADD COLUMN end_value REAL;
ALTER TABLE observation_months ADD COLUMN first_day INTEGER;
ALTER TABLE observation_months ADD COLUMN last_day INTEGER;

UPDATE observation_months
SET start_value = (SELECT o.value FROM observations AS o
                   WHERE o.model = observation_months.model AND o.metric = observation_months.metric
                     AND o.observed_day < unixepoch(observation_months.month || '-01') / 86400
                   ORDER BY o.observed_day DESC LIMIT 1),
    end_value = (SELECT o.value FROM observations AS o
                 WHERE o.model = observation_months.model AND o.metric = observation_months.metric
                   AND o.observed_day < unixepoch(observation_months.month || '-01', '+1 month') / 86400
                 ORDER BY o.observed_day DESC LIMIT 1),
    first_day = (SELECT min(o.observed_day) - unixepoch(observation_months.month || '-01') / 86400 + 1
                 FROM observations AS o
                 WHERE o.model = observation_months.model AND o.metric = observation_months.metric
                   AND o.observed_day >= unixepoch(observation_months.month || '-01') / 86400
                   AND o.observed_day < unixepoch(observation_months.month || '-01', '+1 month') / 86400),
    last_day = (SELECT max(o.observed_day) - unixepoch(observation_months.month || '-01') / 86400 + 1
                FROM observations AS o
                WHERE o.model = observation_months.model AND o.metric = observation_months.metric
                  AND o.observed_day >= unixepoch(observation_months.month || '-01') / 86400
                  AND o.observed_day < unixepoch(observation_months.month || '-01', '+1 month') / 86400)
WHERE metric IN (SELECT key FROM metrics WHERE kind = 'cumulative');
