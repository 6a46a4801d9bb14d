import Foundation
import SQLiteDB

/// Loads files into the warehouse: each file in one transaction, all or nothing, recorded
/// as a batch with its SHA-256 and counts.
public final class Ingester {
    private let warehouse: Warehouse
    let options: IngestOptions
    private let progress: ((IngestProgress) -> Void)?

    public init(warehouse: Warehouse, options: IngestOptions, progress: ((IngestProgress) -> Void)? = nil) {
        self.warehouse = warehouse
        self.options = options
        self.progress = progress
    }

    /// Loads the files in order, stopping at the first that fails. Files loaded before it stay
    /// loaded (except in a dry run, which rolls everything back, and with `oneTransaction`,
    /// which keeps them only when every file loads).
    public func ingest(_ files: [IngestFile], onFile: (FileReport) -> Void = { _ in }) throws -> [FileReport] {
        let db = warehouse.db
        var reports: [FileReport] = []
        func loadInOrder() throws {
            for file in files {
                let report = try ingestOne(file)
                reports.append(report)
                onFile(report)
                if !report.loaded { break }
            }
        }
        if options.dryRun || options.oneTransaction {
            // One outer transaction, each file a savepoint in it: a dry run always rolls back,
            // `oneTransaction` commits only when every file loaded.
            try db.inTransaction {
                try loadInOrder()
                return options.oneTransaction && !options.dryRun && reports.allSatisfy(\.loaded) ? .commit : .rollback
            }
        } else {
            try loadInOrder()
        }
        // Copy the load from the WAL into the database file and empty the WAL, so the load's
        // time and the file's size are what they are. Readers may hold it off: it waits for
        // them 5 s at most, and the next checkpoint finishes the work.
        if !options.dryRun {
            db.setBusyTimeout(milliseconds: 5_000)
            _ = try? db.rows("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        return reports
    }

    private func ingestOne(_ file: IngestFile) throws -> FileReport {
        let db = warehouse.db
        let started = Date()
        var report = FileReport(file: file)
        // Observations are the one table with millions of rows, and ingest checks every field
        // of theirs itself: each model and metric key is looked up in the same transaction that
        // writes it, each date is checked to exist. SQLite's per-row foreign-key probes and
        // CHECK constraints would only repeat that work (the CHECK alone costs a third of an
        // insert), so they stay in the schema for other writers and are skipped here.
        // (Outside a transaction only: a dry run keeps every check.)
        // A file's load is one transaction, so every page it writes is in the WAL until it
        // commits, and a page that drops out of SQLite's cache (2 MB by default) is looked up
        // again in a WAL that grows with the file: 32 MB keeps the pages a load keeps coming
        // back to (the slices of the summaries it appends to) at hand. Each many-row insert
        // keeps a copy of the pages it changes (its statement journal, so it can be undone
        // alone); once one such copy passes 64 KB, SQLite keeps them in a temporary file for
        // the rest of the transaction: 2.8M writes of a page at 10x. In memory they cost
        // a copy each, and a statement of the load changes a few pages.
        let bulk = file.entity == .observations && !db.isInTransaction
        let cacheSize = bulk ? try db.scalar("PRAGMA cache_size")?.integerValue : nil
        if bulk { try db.execute("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY") }
        // Every load stays in WAL mode, so readers keep answering while it runs.
        defer {
            if bulk { try? db.execute("PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF; PRAGMA temp_store = DEFAULT") }
            if let cacheSize { try? db.execute("PRAGMA cache_size = \(cacheSize)") }
        }
        do {
            // One transaction per file; inside an outer transaction (a dry run's, or
            // `oneTransaction`'s), a savepoint. A file with a failure keeps nothing.
            try db.inSavepoint(named: "ingest_file") {
                try self.load(file, into: &report)
                return report.failure == nil ? .commit : .rollback
            }
        } catch let error as WarehouseError {
            report.failure = .unreadable(error.description)
        } catch let error as SQLiteError where error.code == .SQLITE_BUSY {  // the wait ran out
            report.failure = .busy(path: file.path)
        } catch let error as SQLiteError {
            report.failure = .unreadable("\(file.path): \(error.message)")
        }
        if !report.loaded {
            for index in report.entities.indices { report.entities[index].batch = nil }
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private func load(_ file: IngestFile, into report: inout FileReport) throws {
        let db = warehouse.db
        let started = Date()
        let bytes = try ByteSource(path: file.readPath, name: file.path)
        // `bytes` goes to a reading thread below; this thread keeps only its hash and size.
        let hashing = bytes.hashing, bytesTotal = bytes.size
        let state = try FileLoad(file: file, db: db, options: options)
        defer { report = state.report }
        var lastTick = started
        func tick(rows: Int, bytesRead: Int64) {
            guard let progress else { return }
            let now = Date()
            guard now.timeIntervalSince(lastTick) >= 0.1 else { return }
            lastTick = now
            progress(IngestProgress(file: file, bytesRead: bytesRead, bytesTotal: bytesTotal, rows: rows, seconds: now.timeIntervalSince(started)))
        }

        if file.entity == .observations && file.format.isInterchange && options.mapping == nil {
            try loadObservations(bytes, format: file.format, into: state, tick: tick)
            try state.finish { try hashing.result() }
            return
        }
        let context = try SourceContext(db: db, options: options, fileName: Paths.name(of: file.path), format: file.format)
        let source = try openRecordSource(bytes, file: file, context: context)
        let converters = Entity.allCases.map(FieldConverter.init(entity:))  // indexed by rank
        let records = PrefetchingRecordSource(source) { converters[$0.entity.rank].convert(&$0) }
        defer { records.cancel() }
        var rowsSeen = 0
        while var record = try records.next() {
            try state.handle(&record)
            rowsSeen += 1
            if rowsSeen & 4095 == 0 { tick(rows: rowsSeen, bytesRead: records.bytesRead) }
        }
        state.report.notes = records.notes
        try state.finish { try hashing.result() }
    }
}
