import Foundation
import SQLiteDB

/// An error the user can act on, worded for the command line.
public struct WarehouseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The owl database: a SQLite file brought to the latest schema on open.
public final class Warehouse {
    public let db: Database
    public let path: String

    /// The entities of the interchange format, in dependency order.
    public static let entityTables = ["organizations", "releases", "models", "metrics", "observations"]

    /// Opens (creating when needed) and migrates the database at `path`.
    public init(path: String, migrator: Migrator = .embedded) throws {
        try Warehouse.checkUsablePath(path, mustExist: false)
        self.path = path
        db = try Warehouse.naming(path) { try Database(path: path, mode: .readWriteCreate) }
        try Warehouse.naming(path) { try migrator.migrate(db) }
    }

    private init(path: String, db: Database) {
        self.path = path
        self.db = db
    }

    /// Opens an existing database for a command that only reads: read-only when its schema
    /// is current (so a read-only file, folder or medium serves), else migrated as `init` does.
    public static func openForReading(path: String, migrator: Migrator = .embedded) throws -> Warehouse {
        try checkUsablePath(path, mustExist: true)
        let db = try naming(path) { try readOnlyConnection(path) }
        if try naming(path, { try migrator.pending(in: db) }).isEmpty { return Warehouse(path: path, db: db) }
        return try Warehouse(path: path, migrator: migrator)
    }

    /// A read-only connection. Where the WAL index (`-shm`) cannot be made — a read-only
    /// folder or medium, a full disk — and no write-ahead log holds data the file lacks, the
    /// file is opened as immutable: read as it is, without locks.
    static func readOnlyConnection(_ path: String) throws -> Database {
        do {
            let db = try Database(path: path, mode: .readOnly)
            _ = try db.scalar("SELECT count(*) FROM sqlite_master")
            return db
        } catch let error as SQLiteError where [14, 8, 10].contains(error.code) {  // SQLITE_CANTOPEN, READONLY, IOERR
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
    static func naming<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError where (error.code == 10 || error.code == 13) && diskIsFull(path) {  // IOERR, FULL
            throw WarehouseError("\(path): \(error.message): the disk is full; free some space")
        } catch let error as SQLiteError {
            throw WarehouseError("\(path): \(error.message)")
        }
    }

    /// Opens an existing database read-only, refusing every write: for ad-hoc SQL.
    public static func openReadOnly(path: String) throws -> Database {
        try checkUsablePath(path, mustExist: true)
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
        if !exists {
            if mustExist { throw WarehouseError("\(path): no such database; run `owl init --db \(path)` first") }
            let parent = Paths.folder(of: path)
            if !FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw WarehouseError("\(path): folder \(parent) does not exist")
            }
            if !FileManager.default.isWritableFile(atPath: parent) {
                throw WarehouseError("\(path): cannot create the database, folder \(parent) is not writable")
            }
        } else if !mustExist && !FileManager.default.isWritableFile(atPath: path) {
            throw WarehouseError("\(path): the database file is not writable")
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

    /// Rebuilds the observation summaries from the observations.
    public func rebuildSummaries() throws {
        try Warehouse.naming(path) { try ObservationSummaries.rebuild(in: db) }
    }

    /// The closest of `candidates` to a mistyped `word`, for "did you mean" suggestions.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        closest(to: word, in: candidates)
    }

    /// True for a `YYYY-MM-DD` date that exists.
    public static func isValidDate(_ text: String) -> Bool { DateText.isValid(text) }
}
