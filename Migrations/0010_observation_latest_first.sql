-- Each series' first observation date beside its latest one. A leaderboard as of a past
-- date seeks back into the observations for every model observed since; a model whose
-- first observation is after that date has no value then, and now needs no seek (on a
-- leaderboard of 2023, every model first observed in 2024 or 2025).
ALTER TABLE observation_latest ADD COLUMN first_observed TEXT;
UPDATE observation_latest
SET first_observed = (SELECT min(o.observed_on) FROM observations AS o
                      WHERE o.model = observation_latest.model AND o.metric = observation_latest.metric);
