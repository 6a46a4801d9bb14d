import CSQLite
import Foundation

let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// A valid pointer for zero-length text: binding a nil pointer would store NULL, not ''.
private let emptyText: UnsafePointer<CChar> = {
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    pointer.pointee = 0
    return UnsafePointer(pointer)
}()

/// A prepared statement. Bind, step, read columns, reset, reuse. It keeps its connection
/// open: a statement may outlive the `Database` it was prepared on.
public final class Statement {
    let handle: OpaquePointer
    /// Held strongly (the connection holds no statement, so there is no cycle): finalizing
    /// in `deinit` always happens on an open connection.
    private let connection: Connection
    public let sql: String
    private lazy var columnIndexByName: [String: Int32] = {
        var map: [String: Int32] = [:]
        for index in 0..<columnCount where map[columnName(at: index)] == nil {
            map[columnName(at: index)] = index
        }
        return map
    }()

    init(database: Database, sql: String) throws {
        var statement: OpaquePointer?
        var rest = ""
        database.connection.authorizerRefused = false
        let code = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(database.handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            rest = tail.map { String(cString: $0) } ?? ""
            return code
        }
        guard code == SQLITE_OK else {
            let error = SQLiteError(connection: database.handle, code: code, sql: sql)
            guard database.connection.authorizerRefused else { throw error }
            throw SQLiteError(extendedCode: .SQLITE_AUTH, message: error.message, sql: sql)
        }
        guard let statement else {
            throw SQLiteError(extendedCode: .SQLITE_MISUSE, message: "no SQL statement to prepare", sql: sql, refusal: .noStatement)
        }
        if !Statement.isOnlyWhitespaceOrComments(rest) {
            sqlite3_finalize(statement)
            throw SQLiteError(extendedCode: .SQLITE_MISUSE, message: "more than one statement given; run one at a time", sql: sql,
                              refusal: .multipleStatements)
        }
        self.handle = statement
        self.connection = database.connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// True when what follows a statement holds nothing to run (blanks, `;`, comments).
    static func isOnlyWhitespaceOrComments(_ sql: String) -> Bool {
        skippingBlanksAndComments(Substring(sql)).isEmpty
    }

    /// `sql` from its first character that is not a blank, `;` or part of a comment.
    static func skippingBlanksAndComments(_ sql: Substring) -> Substring {
        var rest = sql
        while let first = rest.first {
            if first.isWhitespace || first == ";" {
                rest = rest.dropFirst()
            } else if rest.hasPrefix("--") {
                rest = rest.drop(while: { $0 != "\n" })
            } else if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return "" }
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        return rest
    }

    /// The statement's first word, upper-cased (`SELECT`, `PRAGMA`, `WITH`, …).
    public var firstKeyword: String {
        Self.skippingBlanksAndComments(Substring(sql)).prefix { $0.isLetter }.uppercased()
    }

    /// True when the statement does not write to the database (`sqlite3_stmt_readonly`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    // MARK: Binding

    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    /// The parameter's name with its prefix (`:name`, `@name`, `$name`), nil for `?`.
    public func parameterName(at index: Int32) -> String? {
        sqlite3_bind_parameter_name(handle, index).map { String(cString: $0) }
    }

    /// Binds by 1-based index.
    public func bind(_ value: SQLBindable?, at index: Int32) throws {
        try bind(value?.sqlValue ?? .null, at: index)
    }

    /// Binds by 1-based index, without going through the protocol (the hot path).
    public func bind(_ value: SQLValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(handle, index)
        case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
        case .real(let v): code = sqlite3_bind_double(handle, index, v)
        case .text(var v):
            code = v.withUTF8 { buffer in
                sqlite3_bind_text(handle, index, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? emptyText, Int32(buffer.count), SQLITE_TRANSIENT)
            }
        case .blob(let v):
            code = v.withUnsafeBytes { buffer in
                // A zero-length blob must still be a blob, not NULL.
                buffer.baseAddress == nil
                    ? sqlite3_bind_zeroblob(handle, index, 0)
                    : sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), SQLITE_TRANSIENT)
            }
        }
        try check(code)
    }

    /// Binds by name; the name may be given with or without its `:`, `@` or `$` prefix.
    public func bind(_ value: SQLBindable?, named name: String) throws {
        try bind(value, at: try parameterIndex(named: name))
    }

    /// Binds UTF-8 bytes as text without building a String (the ingest hot path). With
    /// `copy: false` SQLite reads the bytes in place: they must stay unchanged until the
    /// statement has run and is bound anew.
    public func bindText(_ bytes: UnsafeRawBufferPointer, at index: Int32, copy: Bool = true) throws {
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        try check(sqlite3_bind_text(handle, index, base ?? emptyText, Int32(bytes.count), copy ? SQLITE_TRANSIENT : nil))
    }

    /// Binds values to `?1, ?2, …` in order: exactly one for each parameter, since a
    /// parameter left unbound would silently be NULL.
    public func bind(_ values: [SQLBindable?]) throws {
        guard values.count == Int(parameterCount) else {
            throw SQLiteError(extendedCode: .SQLITE_RANGE,
                              message: "\(values.count) value(s) given for the statement's \(parameterCount) parameter(s)", sql: sql,
                              refusal: .argumentCount(given: values.count, parameters: Int(parameterCount)))
        }
        for (offset, value) in values.enumerated() { try bind(value, at: Int32(offset + 1)) }
    }

    public func parameterIndex(named name: String) throws -> Int32 {
        let candidates = ":@$".contains(name.first ?? " ") ? [name] : [":" + name, "@" + name, "$" + name]
        for candidate in candidates {
            let index = sqlite3_bind_parameter_index(handle, candidate)
            if index > 0 { return index }
        }
        throw SQLiteError(extendedCode: .SQLITE_RANGE, message: "no parameter named \(name)", sql: sql, refusal: .unknownName(name))
    }

    public func clearBindings() { sqlite3_clear_bindings(handle) }

    // MARK: Stepping

    /// Advances to the next row: true when a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(handle)
            throw SQLiteError(connection: connection.handle, code: code, sql: sql)
        }
    }

    /// Makes the statement ready to run again; bindings are kept.
    public func reset() { sqlite3_reset(handle) }

    /// Runs the statement to completion, then resets it; returns the number of rows changed.
    /// With values, they are bound first, one for each parameter; without, the statement
    /// runs with the bindings it holds (bound by index or name beforehand).
    @discardableResult
    public func run(_ values: [SQLBindable?] = []) throws -> Int {
        if sqlite3_stmt_busy(handle) != 0 { reset() }
        if !values.isEmpty { try bind(values) }
        defer { reset() }
        while try step() {}
        return Int(sqlite3_changes64(connection.handle))
    }

    // MARK: Columns

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func columnName(at index: Int32) -> String { String(cString: sqlite3_column_name(handle, index)) }

    public var columnNames: [String] { (0..<columnCount).map(columnName(at:)) }

    public func columnIndex(named name: String) throws -> Int32 {
        guard let index = columnIndexByName[name] else {
            throw SQLiteError(extendedCode: .SQLITE_RANGE, message: "no column named \(name)", sql: sql, refusal: .unknownName(name))
        }
        return index
    }

    public func isNull(at index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }
    public func int64(at index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    public func double(at index: Int32) -> Double { sqlite3_column_double(handle, index) }
    public func bool(at index: Int32) -> Bool { sqlite3_column_int64(handle, index) != 0 }

    public func string(at index: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func data(at index: Int32) -> Data? {
        if isNull(at: index) { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        guard let bytes = sqlite3_column_blob(handle, index), count > 0 else { return Data() }
        return Data(bytes: bytes, count: count)
    }

    public enum ColumnType { case null, integer, real, text, blob }

    public func columnType(at index: Int32) -> ColumnType {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer
        case SQLITE_FLOAT: return .real
        case SQLITE_TEXT: return .text
        case SQLITE_BLOB: return .blob
        default: return .null
        }
    }

    /// The column's text as UTF-8 bytes, valid only inside `body`: no String is built
    /// (the export hot path).
    public func withText<Result>(at index: Int32, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let text = sqlite3_column_text(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeRawBufferPointer(start: text, count: text == nil ? 0 : count))
    }

    /// The column's value with the type SQLite stored it as.
    public func value(at index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(int64(at: index))
        case SQLITE_FLOAT: return .real(double(at: index))
        case SQLITE_TEXT: return .text(string(at: index) ?? "")
        case SQLITE_BLOB: return .blob(data(at: index) ?? Data())
        default: return .null
        }
    }

    public func isNull(named name: String) throws -> Bool { isNull(at: try columnIndex(named: name)) }
    public func int64(named name: String) throws -> Int64 { int64(at: try columnIndex(named: name)) }
    public func double(named name: String) throws -> Double { double(at: try columnIndex(named: name)) }
    public func bool(named name: String) throws -> Bool { bool(at: try columnIndex(named: name)) }
    public func string(named name: String) throws -> String? { string(at: try columnIndex(named: name)) }
    public func data(named name: String) throws -> Data? { data(at: try columnIndex(named: name)) }
    public func value(named name: String) throws -> SQLValue { value(at: try columnIndex(named: name)) }

    /// The current row as values, in column order.
    public func row() -> [SQLValue] { (0..<columnCount).map(value(at:)) }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw SQLiteError(connection: connection.handle, code: code, sql: sql) }
    }
}
