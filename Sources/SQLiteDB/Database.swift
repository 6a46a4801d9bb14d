import CSQLite
import Foundation

/// A connection to one SQLite database file.
public final class Database {
    public enum Mode {
        /// Read and write, creating the file when it does not exist.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only; every write fails with SQLITE_READONLY.
        case readOnly
    }

    let handle: OpaquePointer
    public let path: String
    private var statementCache: [String: Statement] = [:]
    /// The progress handler's deadline (see `interrupt(after:)`).
    var deadline: Deadline?
    /// The busy handler's state (see `waitWhenBusy(upTo:onFirstWait:)`).
    var busyWaiter: BusyWaiter?

    /// Opens `path` (a file name or a `file:` URI). Turns on foreign keys and a busy timeout,
    /// and WAL journaling for writable connections.
    /// Done once, before the first connection.
    private static let configureLibrary: Void = { _ = owl_sqlite3_disable_memory_statistics() }()

    public init(path: String, mode: Mode = .readWriteCreate, busyTimeoutMilliseconds: Int32 = 5_000) throws {
        Database.configureLibrary
        var flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let error = SQLiteError(connection: connection, code: code)
            sqlite3_close_v2(connection)
            throw SQLiteError(extendedCode: error.extendedCode, message: "cannot open \(path): \(error.message)")
        }
        self.handle = connection
        self.path = path
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
        do {
            try execute("PRAGMA foreign_keys = ON")
            if mode != .readOnly {
                try execute("PRAGMA journal_mode = WAL")
                try execute("PRAGMA synchronous = NORMAL")
            }
        } catch let error as SQLiteError {
            statementCache.removeAll()
            sqlite3_close_v2(connection)
            throw SQLiteError(extendedCode: error.extendedCode, message: "cannot open \(path): \(error.message)", sql: error.sql)
        }
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs a script of zero or more statements, discarding any rows.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Prepares one statement. Text after the first statement is an error.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Returns the cached prepared statement for `sql`, preparing it on first use.
    /// The statement comes back reset, its bindings cleared.
    public func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs one statement with the given bindings; returns the rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: [SQLBindable?] = []) throws -> Int {
        try cachedStatement(sql).run(values)
    }

    /// The first column of the first row, or nil when there is no row.
    public func scalar(_ sql: String, _ values: [SQLBindable?] = []) throws -> SQLValue? {
        let statement = try cachedStatement(sql)
        try statement.bind(values)
        defer { statement.reset() }
        return try statement.step() ? statement.value(at: 0) : nil
    }

    /// Every row of a query as values; for small results.
    public func rows(_ sql: String, _ values: [SQLBindable?] = []) throws -> [[SQLValue]] {
        let statement = try cachedStatement(sql)
        try statement.bind(values)
        defer { statement.reset() }
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }
    public var totalChanges: Int { Int(sqlite3_total_changes64(handle)) }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT; rolls back when it throws.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` inside one read transaction (BEGIN DEFERRED … COMMIT): every query in it
    /// sees the same snapshot of the database, whatever other connections commit meanwhile.
    @discardableResult
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN DEFERRED")
        defer { if isInTransaction { try? execute("COMMIT") } }
        return try body()
    }

    /// Runs `body` inside a savepoint (nestable); rolls back to it when it throws.
    @discardableResult
    public func savepoint<T>(_ name: String = "owl_savepoint", _ body: () throws -> T) throws -> T {
        let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        try execute("SAVEPOINT \(quoted)")
        do {
            let result = try body()
            try execute("RELEASE \(quoted)")
            return result
        } catch {
            try? execute("ROLLBACK TO \(quoted)")
            try? execute("RELEASE \(quoted)")
            throw error
        }
    }

    /// Makes the connection refuse writes whatever the statement (`PRAGMA query_only`).
    public func setQueryOnly(_ on: Bool) throws {
        try execute("PRAGMA query_only = \(on ? 1 : 0)")
    }

    /// The version of the SQLite library in use.
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }
}

extension Database {
    /// Pragmas that only read, allowed with an argument by `refuseAttachAndPragmaWrites`.
    static let readingPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list",
        "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
    ]

    /// Functions no read needs, refused by `refuseAttachAndPragmaWrites`: fts3_tokenizer returns
    /// and accepts raw memory pointers (the system library enables it); the others reach files
    /// or load code.
    public static let refusedFunctions: Set<String> = ["fts3_tokenizer", "load_extension", "readfile", "writefile", "edit"]

    /// Installs an authorizer that refuses ATTACH, DETACH, pragmas that set a value and the
    /// `refusedFunctions`, on top of what a read-only connection already refuses. Statements
    /// using them fail to prepare with SQLITE_AUTH.
    public func refuseAttachAndPragmaWrites() {
        sqlite3_set_authorizer(handle, { _, action, first, second, _, _ in
            switch action {
            case SQLITE_ATTACH, SQLITE_DETACH:
                return SQLITE_DENY
            case SQLITE_FUNCTION:
                let name = second.map { String(cString: $0).lowercased() } ?? ""
                return Database.refusedFunctions.contains(name) ? SQLITE_DENY : SQLITE_OK
            case SQLITE_PRAGMA:
                guard second != nil else { return SQLITE_OK }
                let name = first.map { String(cString: $0).lowercased() } ?? ""
                return Database.readingPragmas.contains(name) ? SQLITE_OK : SQLITE_DENY
            default:
                return SQLITE_OK
            }
        }, nil)
    }
}
