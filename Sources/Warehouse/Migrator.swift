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
            return String(format: "migration %04d_%@.sql has changed since it was applied to this database; "
                + "migrations are append-only — restore the file and add a new migration instead", version, name)
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
        var applied: [Int: (name: String, sha256: String)] = [:]
        for row in try db.rows("SELECT version, name, sha256 FROM schema_migrations") {
            guard case .integer(let version) = row[0], case .text(let name) = row[1], case .text(let sha) = row[2] else { continue }
            applied[Int(version)] = (name, sha)
        }
        if let newest = applied.keys.max(), newest > latestVersion {
            throw MigrationError.newerThanThisOwl(version: newest)
        }
        var appliedNow: [Migration] = []
        for migration in migrations {
            if let record = applied[migration.version] {
                guard record.sha256 == migration.sha256 else {
                    throw MigrationError.changedAfterApplied(version: migration.version, name: migration.name)
                }
                continue
            }
            try db.transaction {
                try db.execute(migration.sql)
                try followUps[migration.version]?(db)
                try db.run(
                    "INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)",
                    [migration.version, migration.name, migration.sha256, Timestamp.now()])
            }
            appliedNow.append(migration)
        }
        return appliedNow
    }

    private static func tableExists(_ db: Database) throws -> Bool {
        try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") != nil
    }
}

enum Timestamp {
    /// UTC, ISO 8601 with seconds: what lineage columns store.
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
