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

    @Test func aMissingOrExtraValueIsRefusedNotBoundAsNull() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (a, b)")
        let sql = "INSERT INTO t (a, b) VALUES (?, ?)"
        let missing = #expect(throws: SQLiteError.self) { try t.db.run(sql, [1]) }
        #expect(missing?.refusal == .argumentCount(given: 1, parameters: 2))
        #expect(missing?.code == .SQLITE_RANGE)
        #expect(missing?.sql == sql)
        let none = #expect(throws: SQLiteError.self) { try t.db.run(sql) }
        #expect(none?.refusal == .argumentCount(given: 0, parameters: 2))
        let extra = #expect(throws: SQLiteError.self) { try t.db.prepare(sql).run([1, 2, 3]) }
        #expect(extra?.refusal == .argumentCount(given: 3, parameters: 2))
        #expect(throws: SQLiteError.self) { try t.db.scalar("SELECT ?1 + ?2", [1]) }
        #expect(throws: SQLiteError.self) { try t.db.rows("SELECT 1", [1]) }
        #expect(try t.db.scalar("SELECT count(*) FROM t") == .integer(0))
        // ?2 alone counts as two parameters: SQLite numbers them by the largest index.
        #expect(try t.db.scalar("SELECT ?2", [nil as Int?, "b"]) == .text("b"))
        try t.db.run(sql, [1, nil as Int?])
        #expect(try t.db.rows("SELECT a, b FROM t") == [[.integer(1), .null]])
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
            #expect(error.code == .SQLITE_CONSTRAINT)
            #expect(error.extendedCode == .SQLITE_CONSTRAINT_FOREIGNKEY)
            #expect(error.message.contains("FOREIGN KEY"))
            #expect(error.sql == sql)
            #expect(error.description.contains(sql))
        }
    }

    @Test func syntaxErrorNamesTheSQL() throws {
        let t = try TemporaryDatabase()
        let error = #expect(throws: SQLiteError.self) { try t.db.prepare("SELEC 1") }
        #expect(error?.code == .SQLITE_ERROR)
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.sql == "SELEC 1")
    }

    @Test func prepareRefusesASecondStatement() throws {
        let t = try TemporaryDatabase()
        let error = #expect(throws: SQLiteError.self) { try t.db.prepare("SELECT 1; SELECT 2") }
        #expect(error?.refusal == .multipleStatements)
        #expect(error?.code == .SQLITE_MISUSE)
        _ = try t.db.prepare("SELECT 1;  ")
        _ = try t.db.prepare("SELECT 1; -- trailing comment\n /* and a block */")
        #expect(throws: SQLiteError.self) { try t.db.prepare("SELECT 1; /* c */ SELECT 2") }
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        let readOnly = try Database(path: t.path, mode: .readOnly)
        let error = #expect(throws: SQLiteError.self) { try readOnly.run("INSERT INTO t VALUES (1)") }
        #expect(error?.code == .SQLITE_READONLY)
    }

    @Test func resultCodesHaveSQLitesNumbers() {
        // The numbers of https://sqlite.org/rescode.html.
        #expect(ResultCode.SQLITE_BUSY.rawValue == 5)
        #expect(ResultCode.SQLITE_READONLY.rawValue == 8)
        #expect(ResultCode.SQLITE_CONSTRAINT.rawValue == 19)
        #expect(ResultCode.SQLITE_AUTH.rawValue == 23)
        #expect(ResultCode.SQLITE_CONSTRAINT_CHECK.rawValue == 275)
        #expect(ResultCode.SQLITE_CONSTRAINT_FOREIGNKEY.rawValue == 787)
        #expect(ResultCode.SQLITE_CONSTRAINT_UNIQUE.rawValue == 2067)
        #expect(ResultCode.SQLITE_CONSTRAINT_FOREIGNKEY.primary == .SQLITE_CONSTRAINT)
        #expect(ResultCode.SQLITE_BUSY.primary == .SQLITE_BUSY)
    }

    @Test func aFunctionTheAuthorizerRefusesFailsWithSQLITE_AUTH() throws {
        let t = try TemporaryDatabase()
        t.db.refuseAttachAndPragmaWrites()
        // SQLite reports a refused function as SQLITE_ERROR; the wrapper names the refusal.
        let function = #expect(throws: SQLiteError.self) { try t.db.prepare("SELECT load_extension('x')") }
        #expect(function?.code == .SQLITE_AUTH)
        let attach = #expect(throws: SQLiteError.self) { try t.db.prepare("ATTACH ':memory:' AS other") }
        #expect(attach?.code == .SQLITE_AUTH)
        // A plain error after a refusal is its own again.
        let syntax = #expect(throws: SQLiteError.self) { try t.db.prepare("SELEC 1") }
        #expect(syntax?.code == .SQLITE_ERROR)
        #expect(try t.db.scalar("SELECT 2") == .integer(2))
    }

    @Test func openingAMissingFileReadOnlyFails() throws {
        #expect(throws: SQLiteError.self) { try Database(path: "/nonexistent/folder/x.sqlite", mode: .readOnly) }
    }
}

@Suite struct TransactionTests {
    struct Boom: Error {}

    func values(_ db: Database) throws -> [String] {
        try db.rows("SELECT v FROM t ORDER BY rowid").map { $0[0].textValue ?? "?" }
    }

    @Test func aTransactionCommitsWhatItsBodyCommits() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        try t.db.inTransaction {
            try t.db.run("INSERT INTO t VALUES ('kept')")
            #expect(t.db.isInTransaction)
            return .commit
        }
        #expect(try values(t.db) == ["kept"])
        #expect(t.db.isInTransaction == false)
    }

    @Test func aTransactionRollsBackWhenItsBodySaysSo() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        try t.db.inTransaction {
            try t.db.run("INSERT INTO t VALUES ('undone')")
            return .rollback
        }
        #expect(try values(t.db) == [])
        #expect(t.db.isInTransaction == false)
    }

    @Test func aThrownErrorRollsBackAndIsRethrown() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        #expect(throws: Boom.self) {
            try t.db.inTransaction {
                try t.db.run("INSERT INTO t VALUES ('undone')")
                throw Boom()
            }
        }
        #expect(throws: Boom.self) {
            try t.db.transaction {
                try t.db.run("INSERT INTO t VALUES ('undone too')")
                throw Boom()
            }
        }
        #expect(try values(t.db) == [])
        #expect(t.db.isInTransaction == false)
        let answer = try t.db.transaction {
            try t.db.run("INSERT INTO t VALUES ('kept')")
            return 42
        }
        #expect(answer == 42)
        #expect(try values(t.db) == ["kept"])
    }

    @Test func nestedSavepointsRollBackOnlyTheirOwnWork() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        try t.db.inTransaction {
            try t.db.run("INSERT INTO t VALUES ('outer')")
            try t.db.inSavepoint(named: "middle") {
                try t.db.run("INSERT INTO t VALUES ('middle')")
                try t.db.inSavepoint(named: "inner") {
                    try t.db.run("INSERT INTO t VALUES ('inner')")
                    return .rollback
                }
                try t.db.inSavepoint(named: "inner") {
                    try t.db.run("INSERT INTO t VALUES ('inner, kept')")
                    return .commit
                }
                return .commit
            }
            #expect(throws: Boom.self) {
                try t.db.inSavepoint(named: "thrown") {
                    try t.db.run("INSERT INTO t VALUES ('thrown')")
                    throw Boom()
                }
            }
            #expect(t.db.isInTransaction)
            return .commit
        }
        #expect(try values(t.db) == ["outer", "middle", "inner, kept"])
    }

    @Test func aSavepointKeptInsideARolledBackTransactionIsUndone() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        try t.db.inTransaction {
            try t.db.inSavepoint {
                try t.db.run("INSERT INTO t VALUES ('released, then rolled back')")
                return .commit
            }
            return .rollback
        }
        #expect(try values(t.db) == [])
    }

    @Test func aSavepointOutsideATransactionIsOne() throws {
        let t = try TemporaryDatabase()
        try t.db.execute("CREATE TABLE t (v)")
        try t.db.inSavepoint {
            #expect(t.db.isInTransaction)
            try t.db.run("INSERT INTO t VALUES ('kept')")
            return .commit
        }
        try t.db.inSavepoint {
            try t.db.run("INSERT INTO t VALUES ('undone')")
            return .rollback
        }
        #expect(try values(t.db) == ["kept"])
        #expect(t.db.isInTransaction == false)
    }

    @Test func connectionTurnsOnForeignKeysAndWAL() throws {
        let t = try TemporaryDatabase()
        #expect(try t.db.scalar("PRAGMA foreign_keys") == .integer(1))
        #expect(try t.db.scalar("PRAGMA journal_mode") == .text("wal"))
    }
}

@Suite struct StatementLifetimeTests {
    @Test func aStatementOutlivingItsDatabaseVariableStillRuns() throws {
        let t = try TemporaryDatabase()
        weak var gone: Database?
        let statement: Statement
        do {
            let db = try Database(path: t.path)
            try db.execute("CREATE TABLE u (v NOT NULL); INSERT INTO u VALUES (7), (8)")
            statement = try db.prepare("SELECT v FROM u ORDER BY v")
            gone = db
        }
        #expect(gone == nil, "the Database object should be released here")
        #expect(try statement.step())
        #expect(statement.int64(at: 0) == 7)
        statement.reset()
        var seen: [Int64] = []
        while try statement.step() { seen.append(statement.int64(at: 0)) }
        #expect(seen == [7, 8])
        // Writing counts the rows changed, and an error reads its message, on the connection
        // the statement kept open.
        let write: Statement
        do {
            let db = try Database(path: t.path)
            write = try db.prepare("INSERT INTO u (v) VALUES (?)")
        }
        #expect(try write.run([9]) == 1)
        let error = #expect(throws: SQLiteError.self) { try write.run([nil as Int?]) }
        #expect(error?.code == .SQLITE_CONSTRAINT)
        #expect(error?.message.contains("NOT NULL") == true)
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

@Suite struct AggregateFunctionTests {
    /// How many aggregates are alive, so the test can see every group's state released.
    final class Tally {
        var live = 0
    }

    /// A weighted mean: enough state per group to show groups are kept apart.
    final class WeightedMean: SQLAggregate {
        private let tally: Tally
        private var total = 0.0, weight = 0.0
        init(_ tally: Tally) {
            self.tally = tally
            tally.live += 1
        }
        deinit { tally.live -= 1 }
        func step(_ arguments: AggregateArguments) {
            total += arguments.double(0) * arguments.double(1)
            weight += arguments.double(1)
        }
        func result() -> SQLValue { .real(total / weight) }
    }

    @Test func eachGroupGetsItsOwnStateAndAnEmptyGroupIsNull() throws {
        let t = try TemporaryDatabase()
        let tally = Tally()
        try t.db.defineAggregate("weighted_mean", argumentCount: 2) { WeightedMean(tally) }
        try t.db.execute("CREATE TABLE t (g TEXT, v REAL, w REAL); INSERT INTO t VALUES ('a', 1, 1), ('b', 10, 3), ('a', 4, 2), ('b', 2, 1)")
        #expect(try t.db.rows("SELECT g, weighted_mean(v, w) FROM t GROUP BY g ORDER BY g")
                == [[.text("a"), .real(3)], [.text("b"), .real(8)]])
        #expect(try t.db.scalar("SELECT weighted_mean(v, w) FROM t WHERE g = 'none'") == .null)
        #expect(tally.live == 0, "every group's state is released once its result is taken")
    }

    @Test func aWrongArgumentCountFailsToPrepare() throws {
        let t = try TemporaryDatabase()
        try t.db.defineAggregate("weighted_mean", argumentCount: 2) { WeightedMean(Tally()) }
        #expect(throws: SQLiteError.self) { try t.db.prepare("SELECT weighted_mean(1)") }
    }
}

extension AggregateFunctionTests {
    /// Analyses define their aggregates before each statement; one may still be running.
    @Test func definingAgainWhileAStatementRunsIsHarmless() throws {
        let t = try TemporaryDatabase()
        let tally = Tally()
        try t.db.defineAggregate("weighted_mean", argumentCount: 2) { WeightedMean(tally) }
        try t.db.execute("CREATE TABLE t (v REAL, w REAL); INSERT INTO t VALUES (1, 1), (3, 1)")
        let running = try t.db.prepare("SELECT v FROM t")
        #expect(try running.step())
        try t.db.defineAggregate("weighted_mean", argumentCount: 2) { WeightedMean(tally) }
        #expect(try t.db.scalar("SELECT weighted_mean(v, w) FROM t") == .real(2))
    }
}

@Suite struct PageSizeTests {
    @Test func aNewFileTakesThePageSizeAndAFileWithPagesKeepsItsOwn() throws {
        let t = try TemporaryDatabase()  // made with SQLite's default page size
        try t.db.execute("CREATE TABLE t (v); INSERT INTO t VALUES (1)")
        let defaultSize = try t.db.scalar("PRAGMA page_size")?.integerValue
        #expect(defaultSize == 4096)

        let fresh = t.folder.appending(path: "fresh.sqlite").path
        let created = try Database(path: fresh, pageSizeIfNew: 16_384)
        try created.execute("CREATE TABLE t (v)")
        #expect(try created.scalar("PRAGMA page_size")?.integerValue == 16_384)
        #expect(try created.scalar("PRAGMA journal_mode")?.textValue == "wal")

        let reopened = try Database(path: t.path, pageSizeIfNew: 16_384)
        #expect(try reopened.scalar("PRAGMA page_size")?.integerValue == defaultSize)
        #expect(try reopened.scalar("SELECT v FROM t")?.integerValue == 1)
    }
}
