import SQLiteDB

/// `owl query --sql`: one read-only statement on a read-only connection.
public enum AdHocQuery {
    /// Prepares `sql` on `db` (opened with `Warehouse.openReadOnly`), binding `--param name=value`
    /// pairs by name: values that look like whole numbers bind as integers, the rest as text.
    public static func prepare(_ sql: String, parameters: [String], on db: Database) throws -> Statement {
        db.refuseAttachAndPragmaWrites()
        let statement: Statement
        do {
            statement = try db.prepare(sql)
        } catch let error as SQLiteError {
            switch error.code {
            case 23:  // SQLITE_AUTH
                throw WarehouseError("refused: --sql runs read-only SQL; ATTACH, DETACH and pragmas that set a value are not allowed")
            case 21 where error.message.contains("more than one statement"):  // SQLITE_MISUSE
                throw WarehouseError("refused: --sql runs exactly one statement; send them one at a time")
            default:
                throw WarehouseError("SQL error: \(error.message)")
            }
        }
        guard statement.isReadOnly else {
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
