import CSQLite

/// The authorizer of read-only ad-hoc SQL.
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
    /// using them fail to prepare with SQLITE_AUTH (SQLite itself reports a refused function
    /// as SQLITE_ERROR: the refusal is noted on the connection, and `prepare` names it).
    public func refuseAttachAndPragmaWrites() {
        // The connection outlives every callback: it closes only after its last statement.
        sqlite3_set_authorizer(handle, { context, action, first, second, _, _ in
            let decision = Database.authorize(action: action, first: first, second: second)
            if decision == SQLITE_DENY, let context {
                Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue().authorizerRefused = true
            }
            return decision
        }, Unmanaged.passUnretained(connection).toOpaque())
    }

    private static func authorize(action: Int32, first: UnsafePointer<CChar>?, second: UnsafePointer<CChar>?) -> Int32 {
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
    }
}
