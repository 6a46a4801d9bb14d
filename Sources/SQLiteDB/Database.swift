import CSQLite
import Foundation

/// What the body of `inTransaction` or `inSavepoint` decides for its work.
public enum TransactionCompletion: Sendable {
    case commit, rollback
}

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

    /// Shared with the statements prepared here, which keep it open while they live.
    let connection: Connection
    var handle: OpaquePointer { connection.handle }
    public let path: String
    private var statementCache: [String: Statement] = [:]
    /// The aggregate functions `defineAggregate` has defined here.
    var definedFunctions: Set<String> = []

    /// Done once, before the first connection.
    private static let configureLibrary: Void = { _ = owl_sqlite3_disable_memory_statistics() }()

    /// Opens `path` (a file name or a `file:` URI). Turns on foreign keys and a busy timeout,
    /// and WAL journaling for writable connections. `pageSizeIfNew` (bytes, a power of two
    /// from 512 to 65536) is the page size of a database that has no pages yet; a database
    /// with pages keeps its own.
    public init(path: String, mode: Mode = .readWriteCreate, busyTimeoutMilliseconds: Int32 = 5_000, pageSizeIfNew: Int? = nil) throws {
        Database.configureLibrary
        var flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let error = SQLiteError(connection: opened, code: code)
            sqlite3_close_v2(opened)
            throw SQLiteError(extendedCode: error.extendedCode, message: "cannot open \(path): \(error.message)")
        }
        connection = Connection(handle: opened)  // closes the handle when the last user is gone
        self.path = path
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, busyTimeoutMilliseconds)
        do {
            try execute("PRAGMA foreign_keys = ON")
            if mode != .readOnly {
                // Before WAL mode, which writes the first page and so fixes the page size.
                if let pageSizeIfNew { try execute("PRAGMA page_size = \(pageSizeIfNew)") }
                try execute("PRAGMA journal_mode = WAL")
                try execute("PRAGMA synchronous = NORMAL")
            }
        } catch let error as SQLiteError {
            throw SQLiteError(extendedCode: error.extendedCode, message: "cannot open \(path): \(error.message)", sql: error.sql)
        }
    }

    /// Runs a script of zero or more statements, discarding any rows.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(extendedCode: ResultCode(rawValue: sqlite3_extended_errcode(handle)), message: text, sql: sql)
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

    /// Runs one statement with the given bindings, one for each parameter; returns the rows
    /// changed.
    @discardableResult
    public func run(_ sql: String, _ values: [SQLBindable?] = []) throws -> Int {
        let statement = try cachedStatement(sql)
        try statement.bind(values)
        return try statement.run()
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

    /// Runs `body` in a transaction (BEGIN IMMEDIATE): committed when `body` returns
    /// `.commit`, rolled back when it returns `.rollback` or throws (the error is rethrown).
    public func inTransaction(_ body: () throws -> TransactionCompletion) throws {
        try withTransaction { (try body(), ()) }
    }

    /// `inTransaction` for a body that never chooses to roll back: committed when it
    /// returns (its result is returned), rolled back when it throws.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try withTransaction { (.commit, try body()) }
    }

    private func withTransaction<T>(_ body: () throws -> (TransactionCompletion, T)) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let (completion, result) = try body()
            switch completion {
            case .commit: try execute("COMMIT")
            case .rollback: try execute("ROLLBACK")
            }
            return result
        } catch {
            // SQLite may have rolled back already (a full disk, a failed COMMIT).
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

    /// Runs `body` in a savepoint. On `.commit` its work is kept, for the enclosing
    /// transaction to commit or not; on `.rollback` or a throw it is undone and the enclosing
    /// transaction goes on. Savepoints nest; outside a transaction this is `inTransaction`.
    public func inSavepoint(named name: String = "owl_savepoint", _ body: () throws -> TransactionCompletion) throws {
        guard isInTransaction else { return try inTransaction(body) }
        let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        try execute("SAVEPOINT \(quoted)")
        do {
            if try body() == .rollback { try execute("ROLLBACK TO \(quoted)") }
            try execute("RELEASE \(quoted)")
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
