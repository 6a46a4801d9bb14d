import Foundation
import SQLiteDB

/// A file to load, the entity it holds and the format it is written in.
public struct IngestFile: Sendable, Equatable {
    public let path: String
    /// nil for formats whose rows map into several entities (hf-models, epoch).
    public let entity: Entity?
    public let format: SourceFormat

    public init(path: String, entity: Entity?, format: SourceFormat) {
        self.path = path
        self.entity = entity
        self.format = format
    }

    /// How the summary names what the file holds.
    public var describedEntity: String { entity?.rawValue ?? format.rawValue }
}

public struct IngestOptions: Sendable {
    public var dryRun = false
    public var skipInvalid = false
    /// How many row problems a failed file reports before summing up the rest.
    public var problemLimit = 20
    /// For hf-models: the date of the snapshot.
    public var observedOn: String?
    /// For CSV files of another shape: how their columns map onto an entity's fields.
    public var mapping: ColumnMapping?
    /// Only add new rows; leave rows already stored as they are.
    public var insertOnly = false
    public init(dryRun: Bool = false, skipInvalid: Bool = false, observedOn: String? = nil, mapping: ColumnMapping? = nil) {
        self.dryRun = dryRun
        self.skipInvalid = skipInvalid
        self.observedOn = observedOn
        self.mapping = mapping
    }
}

/// Rows of one entity loaded from one file: one batch.
public struct EntityCounts: Sendable {
    public let entity: Entity
    public var read = 0, inserted = 0, updated = 0, unchanged = 0, skipped = 0
    public var batch: Int64?
}

/// What happened to one file.
public struct FileReport: Sendable {
    public let file: IngestFile
    /// Per entity, in dependency order.
    public var entities: [EntityCounts] = []
    /// Rendered problems, at most `problemLimit` of them.
    public var problems: [String] = []
    public var problemCount = 0
    /// Rows of the file with at least one problem, and rows of the file in all.
    public var invalidRows = 0
    public var rows = 0
    /// Set when the file could not be read through (a syntax error), or had invalid rows
    /// without --skip-invalid: then nothing of it was loaded.
    public var failure: String?
    /// What the user should know, such as organizations created with an unknown country.
    public var notes: [String] = []
    public var seconds = 0.0

    public var loaded: Bool { failure == nil }
    public var read: Int { entities.reduce(0) { $0 + $1.read } }
    public var inserted: Int { entities.reduce(0) { $0 + $1.inserted } }
    public var updated: Int { entities.reduce(0) { $0 + $1.updated } }
    public var unchanged: Int { entities.reduce(0) { $0 + $1.unchanged } }
    public var skipped: Int { entities.reduce(0) { $0 + $1.skipped } }
    /// The batch of a single-entity file.
    public var batch: Int64? { entities.count == 1 ? entities[0].batch : nil }
}

/// Progress of the file being loaded, for a progress bar.
public struct IngestProgress: Sendable {
    public let file: IngestFile
    public let bytesRead: Int64
    public let bytesTotal: Int64
    public let rows: Int
    public let seconds: Double
}

/// Loads files into the warehouse: each file in one transaction, all or nothing, recorded
/// as a batch with its SHA-256 and counts.
public final class Ingester {
    private let warehouse: Warehouse
    private let options: IngestOptions
    private let progress: ((IngestProgress) -> Void)?

    public init(warehouse: Warehouse, options: IngestOptions, progress: ((IngestProgress) -> Void)? = nil) {
        self.warehouse = warehouse
        self.options = options
        self.progress = progress
    }

    /// Resolves paths (files or directories) to files in dependency order. Every file name
    /// that names no entity is reported at once, before anything loads. Without `format`, a
    /// file's format comes from its content (Hugging Face listings, Epoch AI's CSV) or extension.
    public static func plan(paths: [String], into: Entity? = nil, format: SourceFormat? = nil,
                            mapping: ColumnMapping? = nil) throws -> [IngestFile] {
        var files: [IngestFile] = []
        var problems: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append("\(path): no such file or directory")
                continue
            }
            var candidates: [String] = [path]
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                // Documentation and hidden files may sit beside the data.
                candidates = names.filter { !$0.hasPrefix(".") && !$0.lowercased().hasSuffix(".md") }
                    .map { (path as NSString).appendingPathComponent($0) }
                if candidates.isEmpty { problems.append("\(path): the directory holds no data files") }
            }
            for file in candidates {
                let name = (file as NSString).lastPathComponent
                // A file named after an entity is in the interchange format, whatever it holds.
                let detected = mapping == nil && into == nil && Entity.forFileName(name) == nil ? SourceFormat.detect(path: file) : nil
                guard let fileFormat = format ?? detected ?? SourceFormat.forFileName(name) else {
                    problems.append("\(file): cannot tell the format from the extension; use .csv, .json or .jsonl, or give --format")
                    continue
                }
                if !fileFormat.isInterchange {
                    files.append(IngestFile(path: file, entity: nil, format: fileFormat))
                    continue
                }
                guard let entity = mapping?.entity ?? into ?? Entity.forFileName(name) else {
                    let stem = name.split(separator: ".").first.map(String.init) ?? name
                    var message = "\(file): the file name does not name an entity (\(Entity.allCases.map(\.rawValue).joined(separator: ", ")))"
                    if let suggestion = closest(to: stem, in: Entity.allCases.map(\.rawValue)) { message += "; did you mean \(suggestion)?" }
                    problems.append(message + "; or give --into ENTITY")
                    continue
                }
                files.append(IngestFile(path: file, entity: entity, format: fileFormat))
            }
        }
        if !problems.isEmpty { throw WarehouseError(problems.joined(separator: "\n")) }
        // Dependency order; files that feed several entities come last. A stable sort keeps
        // the given order otherwise.
        func rank(_ file: IngestFile) -> Int { file.entity.map { Entity.allCases.firstIndex(of: $0)! } ?? Entity.allCases.count }
        return files.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// Loads the files in order, stopping at the first that fails. Files loaded before it stay
    /// loaded (except in a dry run, which rolls everything back).
    public func ingest(_ files: [IngestFile], onFile: (FileReport) -> Void = { _ in }) throws -> [FileReport] {
        let db = warehouse.db
        if options.dryRun { try db.execute("BEGIN IMMEDIATE") }
        defer { if options.dryRun, db.isInTransaction { try? db.execute("ROLLBACK") } }
        var reports: [FileReport] = []
        for file in files {
            let report = try ingestOne(file)
            reports.append(report)
            onFile(report)
            if !report.loaded { break }
        }
        return reports
    }

    private func ingestOne(_ file: IngestFile) throws -> FileReport {
        let db = warehouse.db
        let started = Date()
        var report = FileReport(file: file)
        // One transaction per file; inside a dry run's outer transaction, a savepoint.
        let atomically: (() throws -> Void) throws -> Void = options.dryRun
            ? { try db.savepoint("ingest_file", $0) } : { try db.transaction($0) }
        // Every observation's model and metric key is looked up in the same transaction that
        // writes it, so SQLite's own per-row foreign-key probes would only repeat that work.
        // (The pragma is a no-op inside a dry run's transaction, which then keeps the checks.)
        let skipForeignKeyProbes = file.entity == .observations && !db.isInTransaction
        if skipForeignKeyProbes { try db.execute("PRAGMA foreign_keys = OFF") }
        defer { if skipForeignKeyProbes { try? db.execute("PRAGMA foreign_keys = ON") } }
        do {
            try atomically {
                try self.load(file, into: &report)
                if report.failure != nil { throw RollBack() }
            }
        } catch is RollBack {
            // Rolled back: nothing of this file is stored.
        } catch let error as WarehouseError {
            report.failure = error.description
        } catch let error as SQLiteError {
            report.failure = "\(file.path): \(error.message)"
        }
        if !report.loaded {
            for index in report.entities.indices { report.entities[index].batch = nil }
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private struct RollBack: Error {}

    /// The validator, writer and counts of one entity within a file.
    private final class EntityLoad {
        let validator: RowValidator
        let writer: RowWriter
        var counts: EntityCounts
        init(entity: Entity, db: Database, batch: Int64) throws {
            validator = RowValidator(entity: entity, db: db)
            writer = try RowWriter(entity: entity, db: db)
            counts = EntityCounts(entity: entity, batch: batch)
        }
    }

    private func load(_ file: IngestFile, into report: inout FileReport) throws {
        let db = warehouse.db
        let started = Date()
        let bytes = try ByteSource(path: file.path)
        let context = try SourceContext(db: db, options: options, fileName: (file.path as NSString).lastPathComponent, format: file.format)
        let source = try openRecordSource(bytes, file: file, context: context)
        let converters = Dictionary(uniqueKeysWithValues: Entity.allCases.map { ($0, FieldConverter(entity: $0)) })
        let records = PrefetchingRecordSource(source) { converters[$0.entity]!.convert(&$0) }
        defer { records.cancel() }
        var loads: [Entity: EntityLoad] = [:]
        func startBatch(_ entity: Entity) throws -> EntityLoad {
            try db.run("INSERT INTO batches (path, sha256, entity, format, started_at) VALUES (?, ?, ?, ?, ?)",
                       [file.path, String(repeating: "0", count: 64), entity.rawValue, file.format.rawValue, Timestamp.now()])
            let load = try EntityLoad(entity: entity, db: db, batch: db.lastInsertRowID)
            loads[entity] = load
            return load
        }
        // A one-entity file is a batch even when it holds no rows.
        if let entity = file.entity { _ = try startBatch(entity) }
        let reject = try db.prepare("INSERT INTO rejects (batch, file, line, field, value, reason) VALUES (?, ?, ?, ?, ?, ?)")
        var lastTick = started
        var rowsSeen = 0
        // Rows of the file, as opposed to records: one row of a real-world file may feed
        // several entities, all with the row's line.
        var fileRows = 0, lastLine = -1, lastInvalidLine = -1

        while var record = try records.next() {
            rowsSeen += 1
            if record.line != lastLine {
                fileRows += 1
                lastLine = record.line
            }
            let load = try loads[record.entity] ?? startBatch(record.entity)
            load.counts.read += 1
            var problems: [RowProblem] = []
            var values: [SQLValue] = []
            switch try load.validator.validate(&record) {
            case .valid(let row): values = row
            case .invalid(let found): problems = found
            }
            // Valid rows are written even after an invalid one (the file then rolls back), so
            // later rows that refer to them are not reported as dangling.
            if problems.isEmpty {
                do {
                    switch try load.writer.write(values, insertOnly: record.insertOnly || options.insertOnly) {
                    case .inserted: load.counts.inserted += 1
                    case .updated: load.counts.updated += 1
                    case .unchanged: load.counts.unchanged += 1
                    }
                } catch let error as SQLiteError where error.code == 19 {  // SQLITE_CONSTRAINT
                    problems = [RowProblem(line: record.line, field: nil, message: "rejected by the database: \(error.message)", value: nil)]
                }
            }
            if !problems.isEmpty {
                load.counts.skipped += 1
                // Later records of a row already reported fail because of it: count, don't repeat.
                if record.line == lastInvalidLine && file.entity == nil { continue }
                lastInvalidLine = record.line
                report.invalidRows += 1
                report.problemCount += problems.count
                for problem in problems where report.problems.count < options.problemLimit {
                    report.problems.append(problem.rendered(file: file.path))
                }
                if options.skipInvalid {
                    for problem in problems {
                        try reject.run([load.counts.batch, file.path, problem.line, problem.field, problem.value, problem.message])
                    }
                }
            }
            if rowsSeen & 4095 == 0, let progress {
                let now = Date()
                if now.timeIntervalSince(lastTick) >= 0.1 {
                    lastTick = now
                    progress(IngestProgress(file: file, bytesRead: records.bytesRead, bytesTotal: bytes.size,
                                            rows: rowsSeen, seconds: now.timeIntervalSince(started)))
                }
            }
        }
        report.entities = loads.values.map(\.counts).sorted { $0.entity < $1.entity }
        report.rows = fileRows
        report.notes = source.notes
        if report.problemCount > 0 && !options.skipInvalid {
            for index in report.entities.indices { report.entities[index].skipped = 0 }
            report.failure = "\(file.path): \(report.invalidRows) of \(fileRows) rows are invalid; nothing of this file was loaded (fix them, or give --skip-invalid to load the valid rows and keep the rest as rejects)"
            return
        }
        let sha256 = try bytes.finishHash()
        for counts in report.entities {
            try db.run("""
                UPDATE batches SET sha256 = ?, rows_read = ?, inserted = ?, updated = ?, unchanged = ?, skipped = ?, finished_at = ?
                WHERE id = ?
                """, [sha256, counts.read, counts.inserted, counts.updated, counts.unchanged, counts.skipped, Timestamp.now(), counts.batch])
        }
    }
}
