import SQLiteDB

/// What `owl status` reports.
public struct WarehouseStatus {
    public struct Batch {
        public let id: Int64
        public let path: String
        public let entity: String
        public let format: String
        public let read, inserted, updated, unchanged, skipped: Int64
        public let startedAt: String
        public let finishedAt: String?
    }

    public let path: String
    public let schemaVersion: Int
    public let latestVersion: Int
    public let rowCounts: [(table: String, rows: Int64)]
    public let batchCount: Int64
    public let rejectCount: Int64
    public let recentBatches: [Batch]

    public init(of warehouse: Warehouse, recent: Int = 10) throws {
        // One snapshot: counts and batches agree even while a load commits.
        self = try warehouse.db.readTransaction { try WarehouseStatus(reading: warehouse, recent: recent) }
    }

    private init(reading warehouse: Warehouse, recent: Int) throws {
        let db = warehouse.db
        path = warehouse.path
        schemaVersion = try Migrator.currentVersion(of: db)
        latestVersion = Migrator.embedded.latestVersion
        rowCounts = try Warehouse.entityTables.map { table in
            (table, try db.scalar("SELECT count(*) FROM \(table)")?.integerValue ?? 0)
        }
        batchCount = try db.scalar("SELECT count(*) FROM batches")?.integerValue ?? 0
        rejectCount = try db.scalar("SELECT count(*) FROM rejects")?.integerValue ?? 0
        let statement = try db.cachedStatement("""
            SELECT id, path, entity, format, rows_read, inserted, updated, unchanged, skipped, started_at, finished_at
            FROM batches ORDER BY id DESC LIMIT ?
            """)
        try statement.bind(recent, at: 1)
        var batches: [Batch] = []
        while try statement.step() {
            batches.append(Batch(
                id: statement.int64(at: 0), path: statement.string(at: 1) ?? "", entity: statement.string(at: 2) ?? "",
                format: statement.string(at: 3) ?? "", read: statement.int64(at: 4), inserted: statement.int64(at: 5),
                updated: statement.int64(at: 6), unchanged: statement.int64(at: 7), skipped: statement.int64(at: 8),
                startedAt: statement.string(at: 9) ?? "", finishedAt: statement.string(at: 10)))
        }
        recentBatches = batches
    }
}

/// The rows `--skip-invalid` kept aside, for `owl rejects`.
public enum Rejects {
    /// The rejects, oldest batch first and in file order, of one batch and/or one file path.
    public static func query(in warehouse: Warehouse, batch: Int64? = nil, file: String? = nil) throws -> Statement {
        let statement = try warehouse.db.prepare("""
            SELECT r.batch, b.entity, r.file, r.line, r.field, r.value, r.reason
            FROM rejects AS r JOIN batches AS b ON b.id = r.batch
            WHERE (?1 IS NULL OR r.batch = ?1) AND (?2 IS NULL OR r.file = ?2)
            ORDER BY r.batch, r.line, r.id
            """)
        try statement.bind([batch, file])
        return statement
    }
}

/// The metrics stored, and the analyses that take each, for `owl metrics` and `owl analyses`.
public enum MetricCatalog {
    /// The analyses whose metric parameter accepts a metric of `kind`.
    public static func analyses(taking kind: String) -> [String] {
        Analysis.catalog.filter { analysis in
            analysis.parameters.contains { $0.type == .metric && ($0.metricKinds ?? Entity.metricKinds).contains(kind) }
        }.map(\.name)
    }

    /// One row per metric: id, kind, window_days, unit, name, the models with a value, and
    /// the analyses that take it.
    public static func query(in warehouse: Warehouse) throws -> Statement {
        let kinds = Entity.metricKinds
        let values = kinds.map { _ in "(?, ?)" }.joined(separator: ", ")
        let statement = try warehouse.db.prepare("""
            WITH takes (kind, analyses) AS (VALUES \(values))
            SELECT m.id, m.kind, m.window_days, m.unit, m.name,
                   (SELECT count(*) FROM observation_latest AS l WHERE l.metric = m.key) AS models,
                   t.analyses
            FROM metrics AS m JOIN takes AS t ON t.kind = m.kind
            ORDER BY m.id
            """)
        try statement.bind(kinds.flatMap { [$0, analyses(taking: $0).joined(separator: " ")] as [SQLBindable?] })
        return statement
    }

    /// The ids of the stored metrics of the given kinds.
    public static func ids(in warehouse: Warehouse, kinds: [String]) throws -> [String] {
        try ids(on: warehouse.db, kinds: kinds)
    }

    static func ids(on db: Database, kinds: [String]) throws -> [String] {
        try db.rows("SELECT id, kind FROM metrics ORDER BY id").compactMap { row in
            guard case .text(let id) = row[0], case .text(let kind) = row[1], kinds.contains(kind) else { return nil }
            return id
        }
    }
}

extension Warehouse {
    /// The ids of the metrics of the given kinds in the owl database at `path`, opened
    /// read-only (for shell completion: it must never create or migrate anything).
    public static func metricIDs(path: String, kinds: [String]) throws -> [String] {
        try MetricCatalog.ids(on: openReadOnly(path: path), kinds: kinds)
    }
}
