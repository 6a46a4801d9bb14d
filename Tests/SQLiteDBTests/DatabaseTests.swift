import Foundation
import Testing
@testable import SQLiteDB

/// A database file in a fresh temporary folder, removed with the folder.
final class TemporaryDatabase {
    let folder: URL
    let path: String
    let db: Database

    init(mode: Database.Mode = .readWriteCreate) throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "sqlitedb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appending(path: "test.sqlite").path
        db = try Database(path: path, mode: mode)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

@Suite struct BindingTests {
    @Test func everyBindableTypeRoundTrips() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        let values: [SQLValue] = [
            .integer(Int64.min), .integer(Int64.max), .integer(0),
            .real(.nan), .real(.infinity), .real(-.infinity), .real(-0.0), .real(1e-300), .real(0.1),
            .text(""), .text("héllo wörld ✓ 模型"), .text("nul\u{0}inside"),
            .blob(Data()), .blob(Data([0, 1, 0, 255])),
            .null,
        ]
        let insert = try t.db.prepare("INSERT INTO t (rowid, v) VALUES (?, ?)")
        for (index, value) in values.enumerated() {
            try insert.run([index + 1, value])
        }
        let select = try t.db.prepare("SELECT v FROM t ORDER BY rowid")
        var readBack: [SQLValue] = []
        while try select.step() { readBack.append(select.value(at: 0)) }
        // SQLite stores NaN as NULL; everything else comes back as it went in.
        var expected = values
        expected[3] = .null
        #expect(readBack == expected)
    }

    @Test func swiftTypesBindAsTheirSQLiteType() throws {
        let t = try TemporaryDatabase()
        let row = try t.db.rows(
            "SELECT typeof(?1), typeof(?2), typeof(?3), typeof(?4), typeof(?5), typeof(?6), ?5",
            [Int64(7), 2.5, "x", Data([1]), true, nil as String?])
        #expect(row == [[.text("integer"), .text("real"), .text("text"), .text("blob"), .text("integer"), .text("null"), .integer(1)]])
    }

    @Test func typedColumnAccessByIndexAndName() throws {
        let t = try TemporaryDatabase()
        let statement = try t.db.prepare("SELECT 42 AS answer, 'owl' AS name, 1.5 AS ratio, x'00ff' AS bytes, NULL AS missing_value, 1 AS flag")
        #expect(try statement.step())
        #expect(statement.int64(at: 0) == 42)
        #expect(try statement.int64(named: "answer") == 42)
        #expect(try statement.string(named: "name") == "owl")
        #expect(try statement.double(named: "ratio") == 1.5)
        #expect(try statement.data(named: "bytes") == Data([0, 255]))
        #expect(try statement.isNull(named: "missing_value"))
        #expect(try statement.string(named: "missing_value") == nil)
        #expect(try statement.bool(named: "flag"))
        #expect(throws: SQLiteError.self) { try statement.int64(named: "missing") }
        #expect(try statement.step() == false)
    }

    @Test func namedParametersBindWithOrWithoutPrefix() throws {
        let t = try TemporaryDatabase()
        let statement = try t.db.prepare("SELECT :a || '-' || @b || '-' || $c")
        try statement.bind("x", named: "a")
        try statement.bind("y", named: "@b")
        try statement.bind(3, named: "c")
        #expect(try statement.step())
        #expect(statement.string(at: 0) == "x-y-3")
        #expect(statement.parameterName(at: 1) == ":a")
        #expect(throws: SQLiteError.self) { try statement.bind(1, named: "nope") }
    }
}

@Suite struct ErrorTests {
    @Test func errorCarriesCodesMessageAndSQL() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p REFERENCES parent (id))")
        let sql = "INSERT INTO child (p) VALUES (99)"
        do {
            try t.db.run(sql)
            Issue.record("a dangling reference was accepted")
        } catch let error as SQLiteError {
            #expect(error.code == 19)  // SQLITE_CONSTRAINT
            #expect(error.extendedCode == 787)  // SQLITE_CONSTRAINT_FOREIGNKEY
            #expect(error.message.contains("FOREIGN KEY"))
            #expect(error.sql == sql)
            #expect(error.description.contains(sql))
        }
    }

    @Test func syntaxErrorNamesTheSQL() throws {
        let t = try TemporaryDatabase()
        let error = #expect(throws: SQLiteError.self) { try t.db.prepare("SELEC 1") }
        #expect(error?.code == 1)
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.sql == "SELEC 1")
    }

    @Test func prepareRefusesASecondStatement() throws {
        let t = try TemporaryDatabase()
        #expect(throws: SQLiteError.self) { try t.db.prepare("SELECT 1; SELECT 2") }
        _ = try t.db.prepare("SELECT 1;  ")
        _ = try t.db.prepare("SELECT 1; -- trailing comment\n /* and a block */")
        #expect(throws: SQLiteError.self) { try t.db.prepare("SELECT 1; /* c */ SELECT 2") }
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        let readOnly = try Database(path: t.path, mode: .readOnly)
        let error = #expect(throws: SQLiteError.self) { try readOnly.run("INSERT INTO t VALUES (1)") }
        #expect(error?.code == 8)  // SQLITE_READONLY
    }

    @Test func openingAMissingFileReadOnlyFails() throws {
        #expect(throws: SQLiteError.self) { try Database(path: "/nonexistent/folder/x.sqlite", mode: .readOnly) }
    }
}

@Suite struct TransactionTests {
    @Test func throwingTransactionRollsBack() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try t.db.transaction {
                try t.db.run("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try t.db.scalar("SELECT count(*) FROM t") == .integer(0))
        #expect(t.db.isInTransaction == false)
        try t.db.transaction { try t.db.run("INSERT INTO t VALUES (2)") }
        #expect(try t.db.scalar("SELECT count(*) FROM t") == .integer(1))
    }

    @Test func savepointRollsBackOnlyItsOwnWork() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        struct Boom: Error {}
        try t.db.transaction {
            try t.db.run("INSERT INTO t VALUES ('outer')")
            _ = try? t.db.savepoint("inner") {
                try t.db.run("INSERT INTO t VALUES ('inner')")
                throw Boom()
            }
        }
        #expect(try t.db.rows("SELECT v FROM t") == [[.text("outer")]])
    }

    @Test func connectionTurnsOnForeignKeysAndWAL() throws {
        let t = try TemporaryDatabase()
        #expect(try t.db.scalar("PRAGMA foreign_keys") == .integer(1))
        #expect(try t.db.scalar("PRAGMA journal_mode") == .text("wal"))
    }
}

@Suite struct StatementCacheTests {
    @Test func cachedStatementIsReusedAfterReset() throws {
        let t = try TemporaryDatabase()
        let sql = "SELECT ? * 2"
        let first = try t.db.cachedStatement(sql)
        try first.bind(21, at: 1)
        #expect(try first.step())
        #expect(first.int64(at: 0) == 42)
        // Left mid-row on purpose: the cache must hand it back reset, bindings cleared.
        let second = try t.db.cachedStatement(sql)
        #expect(first === second)
        #expect(try second.step())
        #expect(second.isNull(at: 0))
        #expect(try t.db.scalar(sql, [5]) == .integer(10))
        #expect(try t.db.cachedStatement("SELECT 1") !== first)
    }
}
