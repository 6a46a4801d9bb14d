-- derivatives counts the repos released in a date range that derive from each base. Read from
-- the bases' side, that was one membership test per (repo, ancestor) pair; with the derived
-- repo's release date beside each pair, the index gives the range's repos of a base by a
-- range scan. The date is a copy of models.released_on (empty for a stub), kept equal to it
-- by ModelAncestors on insert and by the trigger below when a model's date changes (a stub
-- described by a later file, a corrected date).
ALTER TABLE model_ancestors ADD COLUMN released_on TEXT;
UPDATE model_ancestors SET released_on = (SELECT released_on FROM models WHERE key = model_ancestors.model);
DROP INDEX model_ancestors_by_ancestor;
CREATE INDEX model_ancestors_by_ancestor ON model_ancestors (ancestor, released_on, model);

CREATE TRIGGER model_ancestors_follow_release_date
AFTER UPDATE OF released_on ON models
WHEN NEW.released_on IS NOT OLD.released_on
BEGIN
    UPDATE model_ancestors SET released_on = NEW.released_on WHERE model = NEW.key;
END;
