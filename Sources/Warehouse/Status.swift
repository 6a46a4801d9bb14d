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
