-- Other ids and names of organizations: the id an organization had before a merge or a
-- rename, and names sources give it. Importers resolve organization ids and names through
-- this table first, so a merge survives the next import. Aliases compare without case, as
-- importers match names.
CREATE TABLE organization_aliases (
    alias        TEXT PRIMARY KEY COLLATE NOCASE CHECK (alias <> ''),
    organization TEXT NOT NULL REFERENCES organizations (id)
);
CREATE INDEX organization_aliases_by_organization ON organization_aliases (organization);

-- An alias never equals an organization's id, or a reference would mean two organizations.
-- (A CHECK cannot look at another table; these triggers guard every writer, as the CHECKs do.)
CREATE TRIGGER organization_aliases_not_an_id_on_insert
BEFORE INSERT ON organization_aliases
WHEN EXISTS (SELECT 1 FROM organizations WHERE id = lower(NEW.alias))
BEGIN SELECT RAISE(ABORT, 'an organization alias must not equal an organization id'); END;

CREATE TRIGGER organization_aliases_not_an_id_on_update
BEFORE UPDATE OF alias ON organization_aliases
WHEN EXISTS (SELECT 1 FROM organizations WHERE id = lower(NEW.alias))
BEGIN SELECT RAISE(ABORT, 'an organization alias must not equal an organization id'); END;

CREATE TRIGGER organizations_id_not_an_alias
BEFORE INSERT ON organizations
WHEN EXISTS (SELECT 1 FROM organization_aliases WHERE alias = NEW.id)
BEGIN SELECT RAISE(ABORT, 'an organization id must not equal an organization alias'); END;

-- Ids that importers made from names before ids were transliterated to ASCII lost their
-- accented letters (universit-grenoble-alpes). They are renamed, each old id kept as an
-- alias, by Swift code that the migrator runs right after this file in the same transaction
-- (LegacyOrganizationIDs.rename): telling such an id from one chosen by hand needs the old
-- and the new slug of the organization's name, and the new one needs Unicode
-- transliteration tables (ICU) that SQL does not have. A list of known bad ids here would
-- miss every database but the ones it was written from.
