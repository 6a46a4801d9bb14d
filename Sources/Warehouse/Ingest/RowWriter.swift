import SQLiteDB

/// Writes validated rows of one entity: inserts new keys, updates changed rows, and leaves
/// identical rows untouched, counting each outcome.
final class RowWriter {
    enum Outcome { case inserted, updated, unchanged }

    private let insert: Statement
    private let update: Statement
    private let db: Database

    init(entity: Entity, db: Database) throws {
        self.db = db
        let columns = entity.fieldNames
        let keys = entity.keyFields
        let placeholders = (1...columns.count).map { "?\($0)" }
        func parameter(_ column: String) -> String { "?\(entity.fieldIndex(column) + 1)" }
        let others = columns.filter { !keys.contains($0) }
        insert = try db.prepare("""
            INSERT INTO \(entity.rawValue) (\(columns.joined(separator: ", ")))
            VALUES (\(placeholders.joined(separator: ", ")))
            ON CONFLICT (\(keys.joined(separator: ", "))) DO NOTHING
            """)
        update = try db.prepare("""
            UPDATE \(entity.rawValue) SET \(others.map { "\($0) = \(parameter($0))" }.joined(separator: ", "))
            WHERE \(keys.map { "\($0) = \(parameter($0))" }.joined(separator: " AND "))
              AND (\(others.map { "\($0) IS NOT \(parameter($0))" }.joined(separator: " OR ")))
            """)
    }

    /// Writes a row whose values `bind` puts on a statement, by index (?1, ?2, …), straight
    /// from the source's bytes: the bulk-load path.
    func write(insertOnly: Bool = false, bind: (Statement) throws -> Void) throws -> Outcome {
        try bind(insert)
        if try insert.run() == 1 { return .inserted }
        if insertOnly { return .unchanged }
        try bind(update)
        return try update.run() == 1 ? .updated : .unchanged
    }

    /// With `insertOnly`, an existing row is left as it is (importers never overwrite rows
    /// that may have been curated by hand).
    func write(_ values: [SQLValue], insertOnly: Bool = false) throws -> Outcome {
        for (offset, value) in values.enumerated() { try insert.bind(value, at: Int32(offset + 1)) }
        if try insert.run() == 1 { return .inserted }
        if insertOnly { return .unchanged }
        for (offset, value) in values.enumerated() { try update.bind(value, at: Int32(offset + 1)) }
        return try update.run() == 1 ? .updated : .unchanged
    }
}
