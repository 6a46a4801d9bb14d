-- timeline, openness and cadence read models released in a date range and group them by
-- organization, licence class or architecture. With models_by_date holding only the date,
-- each model in the range cost a seek into the models table (whose rows are wide: names,
-- URLs); holding those columns too, the index alone answers them, in one range.
DROP INDEX models_by_date;
CREATE INDEX models_by_date ON models (released_on, stub, organization, openness, architecture);
