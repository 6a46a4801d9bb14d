import Crypto
import Foundation
import SQLiteDB

/// One numbered schema change from `Migrations/`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
    public var sha256: String { SHA256.hex(of: Data(sql.utf8)) }

    /// Parses `0001_schema.sql` into version 1, name `schema`.
    public init?(fileName: String, sql: String) {
        guard fileName.hasSuffix(".sql"),
              let underscore = fileName.firstIndex(of: "_"),
              let version = Int(fileName[..<underscore]) else { return nil }
        self.version = version
        self.name = String(fileName[fileName.index(after: underscore)...].dropLast(4))
        self.sql = sql
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case changedAfterApplied(version: Int, name: String)
    case newerThanThisOwl(version: Int)
    case badFileName(String)

    public var description: String {
        switch self {
        case let .changedAfterApplied(version, name):
            return String(format: "migration %04d_%@.sql in this owl differs from the one applied to this database, "
                + "so this owl and the database disagree on its schema; use the owl that made the database "
                + "(developers: migrations are append-only — restore the file and add a new migration instead)", version, name)
        case let .newerThanThisOwl(version):
            return "the database is at schema version \(version), newer than this owl knows; use a newer owl"
        case let .badFileName(name):
            return "migration file \(name) is not named NNNN_name.sql"
        }
    }
}

/// Applies pending migrations in order, each in its own transaction, recording them in
/// `schema_migrations` (version, name, SHA-256, time).
public struct Migrator {
    public let migrations: [Migration]
    /// Data changes SQL cannot express, run after the migration of that version in its
    /// transaction (the migration's file says why).
    let followUps: [Int: (Database) throws -> Void]

    /// The migrations embedded in this binary at build time.
    public static let embedded: Migrator = {
        let migrations = EmbeddedFiles.migrations.map { file -> Migration in
            guard let migration = Migration(fileName: file.name, sql: file.text) else {
                fatalError(MigrationError.badFileName(file.name).description)
            }
            return migration
        }
        return Migrator(migrations: migrations, followUps: [4: LegacyOrganizationIDs.rename])
    }()

    public init(migrations: [Migration]) {
        self.init(migrations: migrations, followUps: [:])
    }

    init(migrations: [Migration], followUps: [Int: (Database) throws -> Void]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.followUps = followUps
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The highest applied version, 0 for a new database.
    public static func currentVersion(of db: Database) throws -> Int {
        guard try tableExists(db) else { return 0 }
        if case .integer(let v)? = try db.scalar("SELECT max(version) FROM schema_migrations") { return Int(v) }
        return 0
    }

    /// Applies what is pending; returns the migrations applied now.
    @discardableResult
    public func migrate(_ db: Database) throws -> [Migration] {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                sha256     TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        var appliedNow: [Migration] = []
        let pending = try pending(in: db)
        guard !pending.isEmpty else { return [] }
        // Foreign keys off, as SQLite's procedure for rebuilding a table asks (0006 rebuilds
        // models, which observations refer to), and checked before each commit instead.
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { try? db.execute("PRAGMA foreign_keys = ON") }
        for migration in pending {
            try db.transaction {
                try db.execute(migration.sql)
                try followUps[migration.version]?(db)
                if let violation = try db.rows("PRAGMA foreign_key_check").first {
                    throw WarehouseError("migration \(migration.version) would leave a dangling reference in table \(violation[0].textValue ?? "?")")
                }
                try db.run(
                    "INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)",
                    [migration.version, migration.name, migration.sha256, Timestamp.now()])
            }
            appliedNow.append(migration)
        }
        return appliedNow
    }

    /// The migrations `migrate` would apply, found without writing; throws as `migrate` does
    /// for a database newer than this owl or a migration changed after it was applied.
    public func pending(in db: Database) throws -> [Migration] {
        guard try Self.tableExists(db) else { return migrations }
        var applied: [Int: String] = [:]
        for row in try db.rows("SELECT version, sha256 FROM schema_migrations") {
            guard case .integer(let version) = row[0], case .text(let sha) = row[1] else { continue }
            applied[Int(version)] = sha
        }
        if let newest = applied.keys.max(), newest > latestVersion {
            throw MigrationError.newerThanThisOwl(version: newest)
        }
        return try migrations.filter { migration in
            guard let sha256 = applied[migration.version] else { return true }
            guard sha256 == migration.sha256 else {
                throw MigrationError.changedAfterApplied(version: migration.version, name: migration.name)
            }
            return false
        }
    }

    private static func tableExists(_ db: Database) throws -> Bool {
        try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") != nil
    }
}
