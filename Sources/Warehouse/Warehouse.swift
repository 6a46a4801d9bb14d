import Foundation
import SQLiteDB

/// An error the user can act on, worded for the command line.
public struct WarehouseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A command line that is wrong before the database is looked at: an unknown analysis,
/// parameter or choice, a malformed date, a missing required option, contradictory
/// options. The CLI exits 2 for it, and 1 for a `WarehouseError`.
public struct UsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The owl database: a SQLite file brought to the latest schema on open.
public final class Warehouse {
    public let db: Database
    public let path: String

    /// The entities of the interchange format, in dependency order.
    public static let entityTables = Entity.allCases.map(\.rawValue)

    /// Whether opening may make a database: an owl database is a SQLite file with owl's
    /// `schema_migrations`. `init` and `ingest` create a missing (or empty) file; only
    /// `init --force` adds owl's tables to another application's SQLite file.
    public enum Creation: Sendable {
        case never, ifMissing, evenIntoForeignDatabase
    }

    /// Opens and migrates the database at `path`, creating it only as `creation` allows.
    public init(path: String, creation: Creation = .ifMissing, migrator: Migrator = .embedded) throws {
        try Warehouse.checkUsablePath(path, mustExist: false)
        switch try Warehouse.kind(of: path) {
        case .missing, .empty:
            guard creation != .never else { throw Warehouse.noDatabase(path) }
        case .foreign:
            guard creation == .evenIntoForeignDatabase else { throw Warehouse.notOwls(path) }
        case .owl(let version):
            if version < migrator.latestVersion && !path.hasPrefix("file:") && !FileManager.default.isWritableFile(atPath: path) {
                throw WarehouseError("\(path): the database is at schema version \(version) and this owl needs \(migrator.latestVersion), "
                    + "but the file is not writable; run `owl migrate --db \(path)` where it is")
            }
        }
        try Warehouse.checkWritable(path)
        self.path = path
        db = try Warehouse.naming(path) { try Database(path: path, mode: .readWriteCreate) }
        let applied = try Warehouse.naming(path) { try migrator.migrate(db) }
        // 0003 replaced the yearly sums with monthly amounts, which only Swift computes.
        if applied.contains(where: { $0.version == 3 }) { try rebuildSummaries() }
    }

    /// What the file at a path is, looked at read-only so that a file that is not owl's
    /// stays byte for byte as it was.
    enum Kind: Equatable {
        case missing, empty, foreign
        case owl(version: Int)
    }

    static func kind(of path: String) throws -> Kind {
        if !path.hasPrefix("file:") {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return .missing }
            if (attributes[.size] as? Int) == 0 { return .empty }
        }
        return try naming(path) {
            let db: Database
            do {
                db = try readOnlyConnection(path)
            } catch where path.hasPrefix("file:") {
                // A `file:` URI has no path to look at first: one that cannot be opened is new.
                return .missing
            }
            if try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") != nil {
                return .owl(version: try Migrator.currentVersion(of: db))
            }
            return try db.scalar("SELECT 1 FROM sqlite_master LIMIT 1") == nil ? .empty : .foreign
        }
    }

    static func noDatabase(_ path: String) -> WarehouseError {
        WarehouseError("no database at \(path); run `owl init --db \(path)`")
    }

    static func notOwls(_ path: String) -> WarehouseError {
        WarehouseError("\(path) is a SQLite database but not an owl database (it has no schema_migrations table); "
            + "`owl init --force --db \(path)` adds owl's tables to it")
    }

    private init(path: String, db: Database) {
        self.path = path
        self.db = db
    }

    /// Opens an existing owl database for a command that only reads: read-only when its
    /// schema is current (so a read-only file, folder or medium serves), else migrated first.
    public static func openForReading(path: String, migrator: Migrator = .embedded) throws -> Warehouse {
        try checkUsablePath(path, mustExist: true)
        switch try kind(of: path) {
        case .missing, .empty: throw noDatabase(path)
        case .foreign: throw notOwls(path)
        case .owl: break
        }
        let db = try naming(path) { try readOnlyConnection(path) }
        let pending = try naming(path) { try migrator.pending(in: db) }
        if pending.isEmpty { return Warehouse(path: path, db: db) }
        if !path.hasPrefix("file:") && !FileManager.default.isWritableFile(atPath: path) {
            let names = pending.map { String(format: "%04d_%@", $0.version, $0.name) }.joined(separator: ", ")
            throw WarehouseError("\(path): the database lacks migrations this owl needs (\(names)), but the file is not writable; "
                + "run `owl migrate --db \(path)` where it is")
        }
        return try Warehouse(path: path, creation: .never, migrator: migrator)
    }

    /// A read-only connection. Where the WAL index (`-shm`) cannot be made — a read-only
    /// folder or medium, a full disk — and no write-ahead log holds data the file lacks, the
    /// file is opened as immutable: read as it is, without locks.
    static func readOnlyConnection(_ path: String) throws -> Database {
        do {
            let db = try Database(path: path, mode: .readOnly)
            _ = try db.scalar("SELECT count(*) FROM sqlite_master")
            return db
        } catch let error as SQLiteError where [.SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_IOERR].contains(error.code) {
            if path.hasPrefix("file:") { throw error }
            let wal = Paths.status(path + "-wal").map { $0.st_size } ?? 0
            guard wal == 0 else {
                throw WarehouseError("\(path): cannot read the database's write-ahead log (\(path)-wal) without making its index "
                    + "(\(path)-shm)\(diskIsFull(path) ? ": the disk is full; free some space" : ": the folder is not writable")")
            }
            let escaped = path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "?", with: "%3f")
                .replacingOccurrences(of: "#", with: "%23")
            return try Database(path: "file:\(escaped)?immutable=1", mode: .readOnly)
        }
    }

    /// True when the file system holding `path` has no free space left.
    static func diskIsFull(_ path: String) -> Bool {
        var info = statvfs()
        return statvfs(Paths.folder(of: path), &info) == 0 && info.f_bavail == 0
    }

    /// Runs `body`, turning SQLite's errors into messages that name the database file.
    @discardableResult
    static func naming<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError where [.SQLITE_IOERR, .SQLITE_FULL].contains(error.code) && diskIsFull(path) {
            throw WarehouseError("\(path): \(error.message): the disk is full; free some space")
        } catch let error as SQLiteError {
            throw WarehouseError("\(path): \(error.message)")
        }
    }

    /// Opens an existing owl database read-only, refusing every write: for ad-hoc SQL.
    public static func openReadOnly(path: String) throws -> Database {
        try checkUsablePath(path, mustExist: true)
        switch try kind(of: path) {
        case .missing, .empty: throw noDatabase(path)
        case .foreign: throw notOwls(path)
        case .owl: break
        }
        return try naming(path) {
            let db = try readOnlyConnection(path)
            try db.setQueryOnly(true)
            return db
        }
    }

    static func checkUsablePath(_ path: String, mustExist: Bool) throws {
        if path.hasPrefix("file:") { return }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if (exists && isDirectory.boolValue) || path.hasSuffix("/") {
            throw WarehouseError("\(path) \(exists ? "is a directory" : "names a folder"); --db needs a database file path, e.g. \(Paths.join(path, "owl.sqlite"))")
        }
        if !exists && mustExist { throw noDatabase(path) }
    }

    /// A file to be created needs a writable folder; an existing one must be writable.
    static func checkWritable(_ path: String) throws {
        if path.hasPrefix("file:") { return }
        if FileManager.default.fileExists(atPath: path) {
            if !FileManager.default.isWritableFile(atPath: path) { throw WarehouseError("\(path): the database file is not writable") }
            return
        }
        let parent = Paths.folder(of: path)
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw WarehouseError("\(path): folder \(parent) does not exist")
        }
        if !FileManager.default.isWritableFile(atPath: parent) {
            throw WarehouseError("\(path): cannot create the database, folder \(parent) is not writable")
        }
    }

    public var schemaVersion: Int { (try? Migrator.currentVersion(of: db)) ?? 0 }

    /// The schema version of the database at `path` as it is now, without migrating; 0 when new.
    public static func schemaVersionWithoutMigrating(path: String) throws -> Int {
        guard path.hasPrefix("file:") || FileManager.default.fileExists(atPath: path) else { return 0 }
        try checkUsablePath(path, mustExist: true)
        return try naming(path) { try Migrator.currentVersion(of: Database(path: path, mode: .readOnly)) }
    }

    public static var sqliteVersion: String { Database.sqliteVersion }

    /// Rebuilds the observation summaries from the observations, and the closure of
    /// model_bases (model_ancestors) from model_bases.
    public func rebuildSummaries() throws {
        try Warehouse.naming(path) {
            try ObservationSummaries.rebuild(in: db)
            try ModelAncestors.rebuild(in: db)
        }
    }

    /// The closest of `candidates` to a mistyped `word`, for "did you mean" suggestions.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        closest(to: word, in: candidates)
    }

    /// True for a `YYYY-MM-DD` date that exists.
    public static func isValidDate(_ text: String) -> Bool { DateText.isValid(text) }
}
