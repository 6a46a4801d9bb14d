import SQLiteDB

/// Writes validated rows of one entity: inserts new keys, updates changed rows, and leaves
/// identical rows untouched, counting each outcome.
final class RowWriter {
    enum Outcome { case inserted, updated, unchanged }

    private let insert: Statement
    private let update: Statement
    private let db: Database
    private let entity: Entity
    /// Inserts of several rows at once, by their number of rows.
    private var multiRowInserts: [Int: Statement] = [:]

    init(entity: Entity, db: Database) throws {
        self.db = db
        self.entity = entity
        let columns = entity.columnNames
        let keys = entity.keyColumns
        func parameter(_ column: String) -> String {
            guard let index = columns.firstIndex(of: column) else { preconditionFailure("\(entity) has no column \(column)") }
            return "?\(index + 1)"
        }
        let others = columns.filter { !keys.contains($0) }
        insert = try db.prepare(Self.insertSQL(entity, rows: 1))
        update = try db.prepare("""
            UPDATE \(entity.rawValue) SET \(others.map { "\($0) = \(parameter($0))" }.joined(separator: ", "))
            WHERE \(keys.map { "\($0) = \(parameter($0))" }.joined(separator: " AND "))
              AND (\(others.map { "\($0) IS NOT \(parameter($0))" }.joined(separator: " OR ")))
            """)
    }

    private static func insertSQL(_ entity: Entity, rows: Int) -> String {
        let columns = entity.columnNames
        return """
            INSERT INTO \(entity.rawValue) (\(columns.joined(separator: ", ")))
            VALUES \(valuesRows(rows, columns: columns.count))
            ON CONFLICT (\(entity.keyColumns.joined(separator: ", "))) DO NOTHING
            """
    }

    /// `(?1, ?2, …), (?k+1, …), …`: the VALUES of an insert of `rows` rows of `columns` each,
    /// field f of row r at parameter r × columns + f + 1.
    static func valuesRows(_ rows: Int, columns: Int) -> String {
        (0..<rows).map { row in
            "(" + (1...columns).map { "?\(row * columns + $0)" }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
    }

    /// Inserts `count` rows with one run of one statement when every one of them is new, and
    /// returns true. Otherwise (a key already stored or given twice, or any error) it leaves
    /// the database as it was and returns false, for the caller to write the rows one by one
    /// and learn each one's outcome. `bind` puts field f of row r at parameter
    /// r × fields + f + 1. The bulk load writes this way: SQLite's fixed cost per run of a
    /// statement is about that of inserting a row, and is paid once per batch instead.
    func insertAllNew(rows count: Int, bind: (Statement) throws -> Void) throws -> Bool {
        let statement: Statement
        if let prepared = multiRowInserts[count] {
            statement = prepared
        } else {
            statement = try db.prepare(Self.insertSQL(entity, rows: count))
            multiRowInserts[count] = statement
        }
        let savepoint = try db.cachedStatement("SAVEPOINT owl_rows")
        let rollback = try db.cachedStatement("ROLLBACK TO owl_rows")
        let release = try db.cachedStatement("RELEASE owl_rows")
        try savepoint.run()
        let inserted: Int
        do {
            try bind(statement)
            inserted = try statement.run()
        } catch {
            inserted = -1
        }
        if inserted != count { try rollback.run() }
        try release.run()
        return inserted == count
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
