import Foundation
import Testing
import SQLiteDB
@testable import Warehouse

func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appending(path: "owl-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The migrations as the files in Migrations/ give them, independently of the migrator: the
/// number and name from `NNNN_name.sql`, the SHA-256 of the bytes from sha256sum(1).
func migrationFiles() throws -> [[SQLValue]] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Migrations")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
    try #require(!names.isEmpty, "no Migrations/*.sql")
    return try names.map { name in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [folder.appending(path: name).path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stem = name.dropLast(4)
        return [.integer(Int64(stem.prefix(4))!), .text(String(stem.dropFirst(5))), .text(String(output.prefix(64)))]
    }
}

@Suite struct MigratorTests {
    @Test func freshDatabaseReachesTheLatestVersion() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let warehouse = try Warehouse(path: folder.appending(path: "a.sqlite").path)
        let files = try migrationFiles()
        #expect(warehouse.schemaVersion == Int(files.count))
        #expect(try warehouse.db.rows("SELECT version, name, sha256 FROM schema_migrations ORDER BY version") == files)
        for table in Warehouse.entityTables + ["batches", "rejects"] {
            #expect(try warehouse.db.scalar("SELECT 1 FROM sqlite_master WHERE name = ?", [table]) != nil, "missing \(table)")
        }
    }

    @Test func runningAgainIsANoOp() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "a.sqlite").path
        let first = try Warehouse(path: path)
        let applied = try Migrator.embedded.migrate(first.db)
        #expect(applied.isEmpty)
        #expect(try first.db.scalar("SELECT count(*) FROM schema_migrations")?.integerValue == Int64(try migrationFiles().count))
    }

    @Test func aChangedMigrationIsReportedByName() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Database(path: folder.appending(path: "a.sqlite").path)
        let original = Migrator(migrations: [Migration(fileName: "0001_things.sql", sql: "CREATE TABLE things (a);")!])
        try original.migrate(db)
        let edited = Migrator(migrations: [Migration(fileName: "0001_things.sql", sql: "CREATE TABLE things (a, b);")!])
        let error = #expect(throws: MigrationError.self) { try edited.migrate(db) }
        #expect(error?.description.contains("0001_things.sql") == true)
    }

    @Test func aFailingMigrationLeavesNothingHalfApplied() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Database(path: folder.appending(path: "a.sqlite").path)
        let migrator = Migrator(migrations: [
            Migration(fileName: "0001_ok.sql", sql: "CREATE TABLE ok (a);")!,
            Migration(fileName: "0002_bad.sql", sql: "CREATE TABLE half (a); CREATE TABLE ok (a);")!,
        ])
        #expect(throws: SQLiteError.self) { try migrator.migrate(db) }
        #expect(try Migrator.currentVersion(of: db) == 1)
        #expect(try db.scalar("SELECT 1 FROM sqlite_master WHERE name = 'half'") == nil)
    }

    @Test func integrityAndForeignKeyChecksAreClean() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let warehouse = try Warehouse(path: folder.appending(path: "a.sqlite").path)
        #expect(try warehouse.db.rows("PRAGMA integrity_check") == [[.text("ok")]])
        #expect(try warehouse.db.rows("PRAGMA foreign_key_check").isEmpty)
    }

    @Test func schemaConstraintsRejectWhatTheFormatForbids() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Warehouse(path: folder.appending(path: "a.sqlite").path).db
        try db.run("INSERT INTO organizations (id, name, country, kind) VALUES ('ai2', 'Ai2', 'US', 'nonprofit')")
        let rejected = [
            "INSERT INTO organizations (id, name, country, kind) VALUES ('Bad Id', 'x', 'US', 'company')",
            "INSERT INTO organizations (id, name, country, kind) VALUES ('x', 'x', 'usa', 'company')",
            "INSERT INTO organizations (id, name, country, kind) VALUES ('x', 'x', 'US', 'startup')",
            "INSERT INTO releases (id, organization, name, released_on) VALUES ('r', 'ai2', 'R', '2025-02-30')",
            "INSERT INTO releases (id, organization, name, released_on) VALUES ('r', 'ai2', 'R', '2025-2-3')",
            "INSERT INTO releases (id, organization, name, released_on) VALUES ('r', 'nobody', 'R', '2025-02-03')",
            "INSERT INTO models (id, organization, name, released_on, openness) VALUES ('m', 'ai2', 'M', '2025-01-01', 'free')",
            "INSERT INTO models (id, organization, name, released_on, architecture) VALUES ('m', 'ai2', 'M', '2025-01-01', 'mlp')",
            "INSERT INTO metrics (id, name, unit, kind) VALUES ('d', 'D', 'downloads', 'window')",
            "INSERT INTO observations (model, metric, observed_on, value) VALUES (1, 1, '2025-01-01', 1)",
        ]
        for sql in rejected {
            #expect(throws: SQLiteError.self, "accepted: \(sql)") { try db.run(sql) }
        }
    }

    @Test func modelBasesRebuildsModelsKeepingKeysObservationsAndTheView() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Database(path: folder.appending(path: "a.sqlite").path)
        let before = Migrator(migrations: Migrator.embedded.migrations.filter { $0.version <= 5 })
        try before.migrate(db)
        try db.execute("""
            INSERT INTO organizations (id, name, country, kind) VALUES ('qwen', 'Qwen', 'CN', 'company');
            INSERT INTO models (key, id, organization, name, released_on) VALUES (7, 'Qwen/Qwen2.5-7B', 'qwen', 'Qwen2.5-7B', '2024-09-19');
            INSERT INTO metrics (key, id, name, unit, kind) VALUES (3, 'hf_likes', 'Likes', 'likes', 'cumulative');
            INSERT INTO observations (model, metric, observed_on, value) VALUES (7, 3, '2025-01-01', 42);
            """)
        try Migrator.embedded.migrate(db)
        #expect(try db.rows("SELECT key, released_on, stub FROM models") == [[.integer(7), .text("2024-09-19"), .integer(0)]])
        #expect(try db.rows("SELECT model, value FROM observations_named") == [[.text("Qwen/Qwen2.5-7B"), .real(42)]])
        #expect(try db.rows("PRAGMA foreign_key_check").isEmpty)
        #expect(try db.rows("PRAGMA integrity_check") == [[.text("ok")]])
        #expect(try db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'models' AND name LIKE 'models_by_%'")?.integerValue == 3)
        // Only a stub may have no release date; a model is never its own base.
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO models (id, organization, name) VALUES ('a/b', 'qwen', 'b')") }
        try db.run("INSERT INTO models (key, id, organization, name, stub) VALUES (8, 'a/b', 'qwen', 'b', 1)")
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO model_bases (model, base, relation) VALUES (8, 8, 'merge')") }
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO model_bases (model, base, relation) VALUES (8, 7, 'distilled')") }
    }

    @Test func modelAncestorsGainTheirReposReleaseDatesWhichFollowTheModels() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Database(path: folder.appending(path: "a.sqlite").path)
        let before = Migrator(migrations: Migrator.embedded.migrations.filter { $0.version <= 6 })
        try before.migrate(db)
        try db.execute("""
            INSERT INTO organizations (id, name, country, kind) VALUES ('qwen', 'Qwen', 'CN', 'company');
            INSERT INTO models (key, id, organization, name, released_on, stub) VALUES
                (1, 'Qwen/Base', 'qwen', 'Base', '2024-09-19', 0),
                (2, 'Qwen/Tune', 'qwen', 'Tune', '2025-01-02', 0),
                (3, 'Qwen/Stub', 'qwen', 'Stub', NULL, 1);
            INSERT INTO model_ancestors (model, ancestor) VALUES (2, 1), (3, 1);
            """)
        try Migrator.embedded.migrate(db)
        let pairs = "SELECT model, ancestor, released_on FROM model_ancestors ORDER BY model"
        #expect(try db.rows(pairs) == [[.integer(2), .integer(1), .text("2025-01-02")], [.integer(3), .integer(1), .null]])
        // A date corrected, and a stub described, by a later UPDATE: the pairs follow.
        try db.run("UPDATE models SET released_on = '2025-03-04' WHERE key = 2")
        try db.run("UPDATE models SET released_on = '2025-05-06', stub = 0 WHERE key = 3")
        #expect(try db.rows(pairs) == [[.integer(2), .integer(1), .text("2025-03-04")], [.integer(3), .integer(1), .text("2025-05-06")]])
        #expect(try db.rows("PRAGMA integrity_check") == [[.text("ok")]])
    }

    /// A database at schema `version` in a new temporary folder (the caller removes it), with
    /// one organization, one model (key 1, released on `released`) and one cumulative metric
    /// (key 3).
    private func oneModelDatabase(atVersion version: Int, released: String) throws -> (db: Database, folder: URL) {
        let folder = try temporaryFolder()
        let db = try Database(path: folder.appending(path: "a.sqlite").path)
        try Migrator(migrations: Migrator.embedded.migrations.filter { $0.version <= version }).migrate(db)
        try db.execute("""
            INSERT INTO organizations (id, name, country, kind) VALUES ('qwen', 'Qwen', 'CN', 'company');
            INSERT INTO models (key, id, organization, name, released_on) VALUES (1, 'Qwen/A', 'qwen', 'A', '\(released)');
            INSERT INTO metrics (key, id, name, unit, kind) VALUES (3, 'hf_likes', 'Likes', 'likes', 'cumulative');
            """)
        return (db, folder)
    }

    @Test func observationLatestGainsEachSeriesFirstObservationDate() throws {
        let (db, folder) = try oneModelDatabase(atVersion: 9, released: "2024-01-01")
        defer { try? FileManager.default.removeItem(at: folder) }
        try db.execute("""
            INSERT INTO observations (model, metric, observed_on, value) VALUES (1, 3, '2025-03-01', 5), (1, 3, '2024-02-01', 1), (1, 3, '2025-06-01', 9);
            INSERT INTO observation_latest (metric, model, observed_on, value) VALUES (3, 1, '2025-06-01', 9);
            """)
        try Migrator.embedded.migrate(db)
        #expect(try db.rows("SELECT observed_on, value, first_observed FROM observation_latest")
                == [[.text("2025-06-01"), .real(9), .text("2024-02-01")]])
    }

    @Test func observationDatesBecomeDayNumbersAndReadBackAsTheSameText() throws {
        let (db, folder) = try oneModelDatabase(atVersion: 10, released: "1960-01-01")
        defer { try? FileManager.default.removeItem(at: folder) }
        try db.execute("""
            INSERT INTO observations (model, metric, observed_on, value, source) VALUES
                (1, 3, '1969-12-31', 1, 'before the epoch'), (1, 3, '1970-01-01', 2, NULL),
                (1, 3, '2024-02-29', 3, 'a leap day'), (1, 3, '9999-12-31', 4, NULL), (1, 3, '0001-01-01', 0, NULL);
            """)
        let before = try db.rows("SELECT model, metric, observed_on, value, source FROM observations_named ORDER BY observed_on")
        try Migrator.embedded.migrate(db)
        // Days since 1970-01-01, in the same order as the dates were.
        #expect(try db.rows("SELECT observed_day FROM observations ORDER BY observed_day")
                == [-719_162, -1, 0, 19_782, 2_932_896].map { [SQLValue.integer($0)] })
        #expect(try db.rows("SELECT model, metric, observed_on, value, source FROM observations_named ORDER BY observed_on") == before)
        // The day is a whole number in the calendar's range: text, or a day past 9999, is refused.
        for bad in ["'2025-01-01'", "2932897", "1.5"] {
            #expect(throws: SQLiteError.self) {
                try db.run("INSERT INTO observations (model, metric, observed_day, value) VALUES (1, 3, \(bad), 1)")
            }
        }
        #expect(try db.rows("PRAGMA integrity_check") == [[.text("ok")]])
    }

    /// 0012 fills where each cumulative series stands at every month's start and end in SQL;
    /// ingest keeps them in Swift. Both give the same values, days before 1970 included.
    @Test func monthEndsFilledByTheMigrationAreIngestsOwn() throws {
        let (db, folder) = try oneModelDatabase(atVersion: 12, released: "1969-11-20")
        defer { try? FileManager.default.removeItem(at: folder) }
        try db.execute("""
            INSERT INTO metrics (key, id, name, unit, kind, window_days) VALUES (4, 'dl30', 'Downloads', 'downloads', 'window', 30);
            INSERT INTO observations (model, metric, observed_day, value) VALUES
                (1, 3, -10, 4), (1, 3, 31, 9), (1, 3, 45, 7), (1, 3, 58, 12), (1, 3, 59, 15), (1, 3, 400, 20),
                (1, 4, 10, 100), (1, 4, 70, 300);
            """)
        try ObservationSummaries.rebuild(in: db)
        let columns = "SELECT metric, month, start_value, end_value, first_day, last_day FROM observation_months ORDER BY metric, month"
        let kept = try db.rows(columns)
        #expect(kept.count > 14)
        try db.execute("UPDATE observation_months SET start_value = NULL, end_value = NULL, first_day = NULL, last_day = NULL")
        let migration = try #require(Migrator.embedded.migrations.first { $0.version == 12 })
        let fill = try #require(migration.sql.range(of: "UPDATE observation_months"))
        try db.execute(String(migration.sql[fill.lowerBound...]))
        #expect(try db.rows(columns) == kept)
        // Observed 1969-12-22 (4), then 1970-02-01, 02-15 and 02-28 (9, 7, 12), then 03-01 (15):
        // January 1970 starts and ends at 4; February starts at 4 and ends at 12, observed on its 1st and 28th.
        #expect(try db.rows("""
            SELECT month, start_value, end_value, first_day, last_day FROM observation_months
            WHERE metric = 3 AND month IN ('1970-01', '1970-02') ORDER BY month
            """) == [[.text("1970-01"), .real(4), .real(4), .null, .null], [.text("1970-02"), .real(4), .real(12), .integer(1), .integer(28)]])
        // A window metric's rows hold none of them.
        #expect(try db.rows("SELECT count(*) FROM observation_months WHERE metric = 4 AND coalesce(start_value, end_value, first_day, last_day) IS NOT NULL")
                == [[.integer(0)]])
    }

    @Test func aMigrationRunsWithForeignKeysOffAndIsCheckedBeforeItsCommit() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Database(path: folder.appending(path: "a.sqlite").path)
        func migration(_ file: String, _ sql: String) throws -> Migration {
            try #require(Migration(fileName: file, sql: sql))
        }
        let schema = try migration("0001_schema.sql", """
            CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
            CREATE TABLE child (parent INTEGER NOT NULL REFERENCES parent (id));
            INSERT INTO parent VALUES (1, 'one');
            INSERT INTO child VALUES (1);
            """)
        // SQLite's procedure for changing a table: build a new one, copy, drop the old one,
        // rename. With foreign keys on, the DROP would fail (child refers to parent).
        let rebuild = try migration("0002_rebuild_parent.sql", """
            CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
            INSERT INTO parent_new SELECT id, name FROM parent;
            DROP TABLE parent;
            ALTER TABLE parent_new RENAME TO parent;
            """)
        let dangling = try migration("0003_drop_a_parent.sql", "DELETE FROM parent WHERE id = 1;")
        try Migrator(migrations: [schema, rebuild]).migrate(db)
        #expect(try Migrator.currentVersion(of: db) == 2)
        #expect(try db.rows("SELECT p.name FROM child AS c JOIN parent AS p ON p.id = c.parent") == [[.text("one")]])
        #expect(try db.scalar("PRAGMA foreign_keys") == .integer(1))

        let error = #expect(throws: WarehouseError.self) { try Migrator(migrations: [schema, rebuild, dangling]).migrate(db) }
        #expect(error?.description == "migration 3 would leave a dangling reference in table child")
        #expect(try Migrator.currentVersion(of: db) == 2)
        #expect(try db.scalar("SELECT count(*) FROM parent") == .integer(1))
        #expect(try db.scalar("PRAGMA foreign_keys") == .integer(1))
        #expect(db.isInTransaction == false)
    }

}
