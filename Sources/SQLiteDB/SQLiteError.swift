import CSQLite

/// The one error type of SQLiteDB: SQLite's result codes, its message, and the SQL that failed.
public struct SQLiteError: Error, CustomStringConvertible, Equatable {
    /// What the wrapper itself refused, before SQLite was asked (its code is then
    /// SQLITE_MISUSE or SQLITE_RANGE): matched by case, not by message.
    public enum Refusal: Sendable, Equatable {
        /// The SQL holds no statement.
        case noStatement
        /// The SQL holds a second statement after the first.
        case multipleStatements
        /// `bind(_:)` was given a different number of values than the statement has parameters.
        case argumentCount(given: Int, parameters: Int)
        /// No parameter, or no column, has the name.
        case unknownName(String)
    }

    /// The primary result code (`.SQLITE_CONSTRAINT`, `.SQLITE_BUSY`, …).
    public var code: ResultCode { extendedCode.primary }
    /// The extended result code (`.SQLITE_CONSTRAINT_FOREIGNKEY`, …).
    public let extendedCode: ResultCode
    public let message: String
    public let sql: String?
    public let refusal: Refusal?

    public init(extendedCode: ResultCode, message: String, sql: String? = nil, refusal: Refusal? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
        self.refusal = refusal
    }

    init(connection: OpaquePointer?, code: Int32, sql: String? = nil) {
        let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        self.init(extendedCode: ResultCode(rawValue: extended), message: message, sql: sql)
    }

    public var description: String {
        var text = "SQLite error \(code)"
        if extendedCode != code { text += " (extended \(extendedCode))" }
        text += ": \(message)"
        if let sql { text += " — in: \(sql)" }
        return text
    }
}
