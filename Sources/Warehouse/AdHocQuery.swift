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

    /// Prepares `sql` on `db` (opened with `Warehouse.openReadOnly`), binding `--param name=value`
    /// pairs by name: values that look like whole numbers bind as integers, the rest as text.
    /// Temporary results (sorts, DISTINCT, materialised views) stay in memory, under the heap
    /// limit, rather than in files that could fill the disk.
    public static func prepare(_ sql: String, parameters: [String], on db: Database) throws -> Statement {
        try db.execute("PRAGMA temp_store = MEMORY")
        db.refuseAttachAndPragmaWrites()
        let statement: Statement
        do {
            statement = try db.prepare(sql)
        } catch let error as SQLiteError {
            switch (error.code, error.refusal) {
            case (.SQLITE_AUTH, _):
                throw WarehouseError("refused: --sql runs read-only SQL; ATTACH, DETACH, pragmas that set a value and functions that reach outside the data (\(Database.refusedFunctions.sorted().joined(separator: ", "))) are not allowed")
            case (_, .multipleStatements?):
                throw WarehouseError("refused: --sql runs exactly one statement; send them one at a time")
            default:
                throw WarehouseError("SQL error: \(error.message)")
            }
        }
        // A pragma that got past the authorizer has no value, so it only reads; SQLite still
        // counts some of them (journal_mode) as writes.
        guard statement.isReadOnly || statement.firstKeyword == "PRAGMA" else {
            throw WarehouseError("refused: --sql runs read-only SQL; this statement would change the database (use owl ingest to load data)")
        }
        for pair in parameters {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw WarehouseError("--param takes name=value (got \"\(pair)\")")
            }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            guard let index = try? statement.parameterIndex(named: name) else {
                throw WarehouseError("--param \(name): the SQL has no parameter :\(name)")
            }
            try statement.bind(Int64(value).map(SQLValue.integer) ?? .text(value), at: index)
        }
        for index in stride(from: Int32(1), through: statement.parameterCount, by: 1) {
            // Unbound parameters would silently be NULL.
            if let name = statement.parameterName(at: index), !parameters.contains(where: { $0.hasPrefix(String(name.dropFirst()) + "=") }) {
                throw WarehouseError("the SQL uses \(name); give it with --param \(name.dropFirst())=VALUE")
            }
        }
        return statement
    }
}

extension AdHocQuery {
    /// Runs `body` (which steps a statement), turning the limits' SQLite errors into messages
    /// that name the option to change.
    @discardableResult
    public static func explainingLimits<T>(timeout: Double?, memoryLimitMiB: Int64?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError where error.code == .SQLITE_INTERRUPT {
            let seconds = timeout.map(Numbers.text) ?? "?"
            throw WarehouseError("the query was stopped after \(seconds) s (--timeout); give --timeout SECONDS for longer, or --timeout 0 for no limit")
        } catch let error as SQLiteError where error.code == .SQLITE_NOMEM {
            let limit = memoryLimitMiB.map { "the \($0) MiB" } ?? "the"
            throw WarehouseError("the query was stopped: it needs more memory than \(limit) --memory-limit allows "
                + "(sorts and temporary results are held in memory); give --memory-limit MIB for more")
        }
    }
}
