import SQLiteDB

/// `owl query --sql`: one read-only statement on a read-only connection, bounded in time
/// and memory.
public enum AdHocQuery {
    /// `--timeout` when none is given: long enough for any honest question of the warehouse.
    public static let defaultTimeoutSeconds = 60.0
    /// `--memory-limit` when none is given, in MiB.
    public static let defaultMemoryLimitMiB: Int64 = 1024

    /// Caps the memory of every statement in this process; call before opening the database.
    public static func limitMemory(mebibytes: Int64) {
        Database.limitHeap(toBytes: mebibytes << 20)
    }

    /// Prepares `sql` on `db` (opened with `Warehouse.openReadOnly`), binding `parameters`
    /// by name (`o` for `:o`): values that look like whole numbers bind as integers, the rest
    /// as text.
    /// Temporary results (sorts, DISTINCT, materialised views) stay in memory, under the heap
    /// limit, rather than in files that could fill the disk.
    public static func prepare(_ sql: String, parameters: [(name: String, value: String)], on db: Database) throws -> Statement {
        try db.execute("PRAGMA temp_store = MEMORY")
        db.refuseAttachAndPragmaWrites()
        let statement: Statement
        do {
            statement = try db.prepare(sql)
        } catch let error as SQLiteError {
            switch (error.code, error.refusal) {
            case (.SQLITE_AUTH, _):
                throw AdHocQueryError.notAllowed(refusedFunctions: Database.refusedFunctions.sorted())
            case (_, .multipleStatements?):
                throw AdHocQueryError.severalStatements
            default:
                throw WarehouseError("SQL error: \(error.message)" + hint(for: error.message))
            }
        }
        // A pragma that got past the authorizer has no value, so it only reads; SQLite still
        // counts some of them (journal_mode) as writes.
        guard statement.isReadOnly || statement.firstKeyword == "PRAGMA" else {
            throw AdHocQueryError.writes
        }
        for (name, value) in parameters {
            guard let index = try? statement.parameterIndex(named: name) else { throw AdHocQueryError.unknownParameter(name) }
            try statement.bind(Int64(value).map(SQLValue.integer) ?? .text(value), at: index)
        }
        for index in stride(from: Int32(1), through: statement.parameterCount, by: 1) {
            // Unbound parameters would silently be NULL.
            if let name = statement.parameterName(at: index), !parameters.contains(where: { ":" + $0.name == name }) {
                throw AdHocQueryError.unboundParameter(String(name.dropFirst()))
            }
        }
        return statement
    }
}

extension AdHocQuery {
    /// What to write instead of a column that owl's schema renamed.
    static func hint(for message: String) -> String {
        guard message.hasPrefix("no such column:"), message.hasSuffix("observed_on") else { return "" }
        return "; observations store the day as observed_day, days since 1970-01-01 (schema version 11):"
            + " filter with observed_day >= unixepoch('2025-01-01') / 86400, or read observations_named, which has observed_on"
    }

    /// Runs `body` (which steps a statement), turning the limits' SQLite errors into
    /// `AdHocQueryError.stopped` and `.outOfMemory`, with the limits.
    @discardableResult
    public static func explainingLimits<T>(timeout: Double?, memoryLimitMiB: Int64?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError where error.code == .SQLITE_INTERRUPT {
            throw AdHocQueryError.stopped(afterSeconds: timeout)
        } catch let error as SQLiteError where error.code == .SQLITE_NOMEM {
            throw AdHocQueryError.outOfMemory(limitMiB: memoryLimitMiB)
        }
    }
}

/// Why an ad hoc statement was refused or stopped, with the values; the CLI words it with
/// --sql, --param, --timeout and --memory-limit.
public enum AdHocQueryError: Error {
    /// ATTACH, DETACH, a pragma that sets a value, or one of `refusedFunctions`.
    case notAllowed(refusedFunctions: [String])
    /// More than one statement.
    case severalStatements
    /// A statement that would change the database.
    case writes
    /// A value given for a parameter the SQL does not have.
    case unknownParameter(String)
    /// A parameter of the SQL given no value (it would silently be NULL).
    case unboundParameter(String)
    /// Interrupted at the time limit (nil: none was set).
    case stopped(afterSeconds: Double?)
    /// Out of the heap limit, in MiB (nil: none was given).
    case outOfMemory(limitMiB: Int64?)
}
