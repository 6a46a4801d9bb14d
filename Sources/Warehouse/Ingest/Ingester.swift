import Foundation
import SQLiteDB

/// A file to load, the entity it holds and the format it is written in.
public struct IngestFile: Sendable, Equatable {
    public let path: String
    public let entity: Entity
    public let format: SourceFormat
}

public struct IngestOptions: Sendable {
    public var dryRun = false
    public var skipInvalid = false
    /// How many row problems a failed file reports before summing up the rest.
    public var problemLimit = 20
    public init(dryRun: Bool = false, skipInvalid: Bool = false) {
        self.dryRun = dryRun
        self.skipInvalid = skipInvalid
    }
}

/// What happened to one file.
public struct FileReport: Sendable {
    public let file: IngestFile
    public var read = 0, inserted = 0, updated = 0, unchanged = 0, skipped = 0
    /// Rendered problems, at most `problemLimit` of them.
    public var problems: [String] = []
    public var problemCount = 0
    /// Set when the file could not be read through (a syntax error), or had invalid rows
    /// without --skip-invalid: then nothing of it was loaded.
    public var failure: String?
    public var seconds = 0.0
    public var batch: Int64?

    public var loaded: Bool { failure == nil }
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
    /// that names no entity is reported at once, before anything loads.
    public static func plan(paths: [String], into: Entity? = nil, format: SourceFormat? = nil) throws -> [IngestFile] {
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
                guard let fileFormat = format ?? SourceFormat.forFileName(name) else {
                    problems.append("\(file): cannot tell the format from the extension; use .csv, .json or .jsonl, or give --format")
                    continue
                }
                guard let entity = into ?? Entity.forFileName(name) else {
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
        // A stable sort keeps the given order within one entity.
        return files.enumerated().sorted { ($0.element.entity, $0.offset) < ($1.element.entity, $1.offset) }.map(\.element)
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
        // Every observation's model and metric key was just looked up in this transaction, so
        // SQLite's own per-row foreign-key probes would only repeat that work. (The pragma is a
        // no-op inside a dry run's transaction, which then keeps the checks.)
        let skipForeignKeyProbes = file.entity == .observations && !db.isInTransaction
        if skipForeignKeyProbes { try db.execute("PRAGMA foreign_keys = OFF") }
        defer { if skipForeignKeyProbes { try? db.execute("PRAGMA foreign_keys = ON") } }
        do {
            try atomically {
                try self.load(file, into: &report)
                if report.failure != nil { throw RollBack() }
            }
        } catch is RollBack {
            // The savepoint rolled back: nothing of this file is stored.
        } catch let error as WarehouseError {
            report.failure = error.description
        } catch let error as SQLiteError {
            report.failure = "\(file.path): \(error.message)"
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private struct RollBack: Error {}

    private func load(_ file: IngestFile, into report: inout FileReport) throws {
        let db = warehouse.db
        let started = Date()
        let bytes = try ByteSource(path: file.path)
        let records = PrefetchingRecordSource(
            try openRecordSource(bytes, format: file.format, entity: file.entity), converter: FieldConverter(entity: file.entity))
        defer { records.cancel() }
        let validator = RowValidator(entity: file.entity, db: db)
        let writer = try RowWriter(entity: file.entity, db: db)
        try db.run("""
            INSERT INTO batches (path, sha256, entity, format, started_at) VALUES (?, ?, ?, ?, ?)
            """, [file.path, String(repeating: "0", count: 64), file.entity.rawValue, file.format.rawValue, Timestamp.now()])
        let batch = db.lastInsertRowID
        let reject = try db.prepare("INSERT INTO rejects (batch, file, line, field, value, reason) VALUES (?, ?, ?, ?, ?, ?)")
        var lastTick = started

        while var record = try records.next() {
            report.read += 1
            var problems: [RowProblem] = []
            var values: [SQLValue] = []
            switch try validator.validate(&record) {
            case .valid(let row): values = row
            case .invalid(let found): problems = found
            }
            if problems.isEmpty, report.problemCount == 0 || options.skipInvalid {
                do {
                    switch try writer.write(values) {
                    case .inserted: report.inserted += 1
                    case .updated: report.updated += 1
                    case .unchanged: report.unchanged += 1
                    }
                } catch let error as SQLiteError where error.code == 19 {  // SQLITE_CONSTRAINT
                    problems = [RowProblem(line: record.line, field: nil, message: "rejected by the database: \(error.message)", value: nil)]
                }
            }
            if !problems.isEmpty {
                report.skipped += 1
                report.problemCount += problems.count
                for problem in problems where report.problems.count < options.problemLimit {
                    report.problems.append(problem.rendered(file: file.path))
                }
                if options.skipInvalid {
                    for problem in problems {
                        try reject.run([batch, file.path, problem.line, problem.field, problem.value, problem.message])
                    }
                }
            }
            if report.read & 4095 == 0, let progress {
                let now = Date()
                if now.timeIntervalSince(lastTick) >= 0.1 {
                    lastTick = now
                    progress(IngestProgress(file: file, bytesRead: records.bytesRead, bytesTotal: bytes.size,
                                            rows: report.read, seconds: now.timeIntervalSince(started)))
                }
            }
        }
        if report.problemCount > 0 && !options.skipInvalid {
            report.failure = "\(file.path): \(report.skipped) of \(report.read) rows are invalid; nothing of this file was loaded (fix them, or give --skip-invalid to load the valid rows and keep the rest as rejects)"
            report.skipped = 0
            return
        }
        try db.run("""
            UPDATE batches SET sha256 = ?, rows_read = ?, inserted = ?, updated = ?, unchanged = ?, skipped = ?, finished_at = ?
            WHERE id = ?
            """, [try bytes.finishHash(), report.read, report.inserted, report.updated, report.unchanged, report.skipped,
                  Timestamp.now(), batch])
        report.batch = batch
    }
}
