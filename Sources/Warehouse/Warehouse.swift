import Foundation
import SQLiteDB

/// An error the user can act on, worded for a person: located (`FILE:LINE: field NAME: …`)
/// and naming no command-line option. What the CLI words with its options is thrown as a
/// typed error carrying the values (`AnalysisArgumentError`, `ExportError`, …).
public struct WarehouseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Why the file at a database path cannot be opened as owl's, with the path; the CLI
/// words it with the command that mends it (`owl init --db PATH`, `owl migrate`).
public enum DatabaseFileError: Error, CustomStringConvertible {
    /// Nothing (or an empty file) at the path, and creating was not allowed.
    case missing(String)
    /// A SQLite database of another application: it has no schema_migrations table.
    case notOwls(String)
    /// A folder, or a path ending in a slash (`exists` says whether it is there).
    case folder(String, exists: Bool)
    /// At schema `version`, this owl needs `latest`, and the file is not writable.
    case behindAndNotWritable(String, version: Int, latest: Int)
    /// Opened for reading, it lacks the `pending` migrations, and the file is not writable.
    case lacksMigrationsAndNotWritable(String, pending: [String])

    public var path: String {
        switch self {
        case let .missing(path), let .notOwls(path), let .folder(path, _), let .behindAndNotWritable(path, _, _),
             let .lacksMigrationsAndNotWritable(path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case let .missing(path): return "no database at \(path)"
        case let .notOwls(path): return "\(path) is a SQLite database but not an owl database (it has no schema_migrations table)"
        case let .folder(path, exists): return "\(path) \(exists ? "is a directory" : "names a folder"), not a database file"
        case let .behindAndNotWritable(path, version, latest):
            return "\(path): the database is at schema version \(version) and this owl needs \(latest), but the file is not writable"
        case let .lacksMigrationsAndNotWritable(path, pending):
            return "\(path): the database lacks migrations this owl needs (\(pending.joined(separator: ", "))), but the file is not writable"
        }
    }
}

/// The owl database: a SQLite file brought to the latest schema on open.
public final class Warehouse {
    public let db: Database
    public let path: String

    /// The page size of a database owl creates: 16 KB, not SQLite's 4 KB. A load writes every
    /// page it changes to the WAL as a frame (a header and the page, two writes) and finds
    /// pages there through an index that grows with the WAL; a quarter as many pages makes a
    /// quarter as many frames, and a B-tree a level shallower at tens of millions of rows.
    /// Measured on the benchmark's 50M-observation load: 11–18% less time, about 40% less
    /// kernel time.
    /// A database made before keeps its 4 KB pages (SQLite fixes them with the first page).
    public static let pageSize = 16_384

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
            guard creation != .never else { throw DatabaseFileError.missing(path) }
        case .foreign:
            guard creation == .evenIntoForeignDatabase else { throw DatabaseFileError.notOwls(path) }
        case .owl(let version):
            if version < migrator.latestVersion && !path.hasPrefix("file:") && !FileManager.default.isWritableFile(atPath: path) {
                throw DatabaseFileError.behindAndNotWritable(path, version: version, latest: migrator.latestVersion)
            }
        }
        try Warehouse.checkWritable(path)
        self.path = path
        db = try Warehouse.naming(path) { try Database(path: path, mode: .readWriteCreate, pageSizeIfNew: Warehouse.pageSize) }
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

    private init(path: String, db: Database) {
        self.path = path
        self.db = db
    }

    /// Opens an existing owl database for a command that only reads: read-only when its
    /// schema is current (so a read-only file, folder or medium serves), else migrated first.
    public static func openForReading(path: String, migrator: Migrator = .embedded) throws -> Warehouse {
        try checkUsablePath(path, mustExist: true)
        switch try kind(of: path) {
        case .missing, .empty: throw DatabaseFileError.missing(path)
        case .foreign: throw DatabaseFileError.notOwls(path)
        case .owl: break
        }
        let db = try naming(path) { try readOnlyConnection(path) }
        let pending = try naming(path) { try migrator.pending(in: db) }
        if pending.isEmpty { return Warehouse(path: path, db: db) }
        if !path.hasPrefix("file:") && !FileManager.default.isWritableFile(atPath: path) {
            throw DatabaseFileError.lacksMigrationsAndNotWritable(path, pending: pending.map { String(format: "%04d_%@", $0.version, $0.name) })
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
            try mapIntoMemory(db)
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
            let db = try Database(path: "file:\(escaped)?immutable=1", mode: .readOnly)
            try mapIntoMemory(db)
            return db
        }
    }

    /// Reads the file through a memory map (up to 2 GB, SQLite's usual limit): an analysis
    /// seeks into pages all over the observations, and each page read through the map is one
    /// copy and one system call fewer (coverage in the benchmark, warm: 0.50 s to 0.47 s, all
    /// of it system time). Reading connections only: a load's peak memory would count the
    /// mapped pages it touches.
    private static func mapIntoMemory(_ db: Database) throws {
        try db.execute("PRAGMA mmap_size = 2147418112")
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
        case .missing, .empty: throw DatabaseFileError.missing(path)
        case .foreign: throw DatabaseFileError.notOwls(path)
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
            throw DatabaseFileError.folder(path, exists: exists)
        }
        if !exists && mustExist { throw DatabaseFileError.missing(path) }
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
