import SQLiteDB

/// Keeps `model_ancestors`, the closure of `model_bases` (every model paired with every
/// model it derives from along any chain), in step with it, in the same transaction.
/// Ingest never deletes a base row and refuses cycles, so a new row (model M, base B) only
/// adds pairs: M and each model deriving from M, with B and each ancestor of B. Each pair
/// carries the derived model's release date (migration 0007 says why; its trigger keeps the
/// date when a model's changes).
final class ModelAncestors {
    private let add: Statement

    init(db: Database) throws {
        add = try db.prepare("""
            INSERT OR IGNORE INTO model_ancestors (model, ancestor, released_on)
            SELECT below.model, above.ancestor, (SELECT released_on FROM models WHERE key = below.model)
            FROM (SELECT ?1 AS model UNION ALL SELECT model FROM model_ancestors WHERE ancestor = ?1) AS below,
                 (SELECT ?2 AS ancestor UNION ALL SELECT ancestor FROM model_ancestors WHERE model = ?2) AS above
            """)
    }

    /// Records that `model` now has `base` among its bases.
    func record(model: Int64, base: Int64) throws {
        try add.run([model, base])
    }

    /// Rebuilds the table from model_bases (`owl migrate --rebuild-summaries`).
    static func rebuild(in db: Database) throws {
        try db.transaction {
            try db.execute("""
                DELETE FROM model_ancestors;
                WITH RECURSIVE up (model, ancestor) AS (
                    SELECT model, base FROM model_bases
                    UNION
                    SELECT up.model, r.base FROM up JOIN model_bases AS r ON r.model = up.ancestor
                )
                INSERT INTO model_ancestors (model, ancestor, released_on)
                SELECT up.model, up.ancestor, m.released_on FROM up JOIN models AS m ON m.key = up.model;
                """)
        }
    }
}
