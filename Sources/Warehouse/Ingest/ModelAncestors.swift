import SQLiteDB

/// Keeps `model_ancestors`, the closure of `model_bases` (every model paired with every
/// model it derives from along any chain), in step with it, in the same transaction.
/// Ingest never deletes a base row and refuses cycles, so a new row (model M, base B) only
/// adds pairs: M and each model deriving from M, with B and each ancestor of B.
final class ModelAncestors {
    private let add: Statement

    init(db: Database) throws {
        add = try db.prepare("""
            INSERT OR IGNORE INTO model_ancestors (model, ancestor)
            SELECT below.model, above.ancestor
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
                INSERT INTO model_ancestors (model, ancestor) SELECT model, ancestor FROM up;
                """)
        }
    }
}
