import Foundation
import SQLiteDB

/// A file to load, the entity it holds and the format it is written in.
public struct IngestFile: Sendable, Equatable {
    /// The path as given, which messages, batches and rejects record (`<stdin>` for `-`).
    public let path: String
    /// Where the bytes are read: the path itself, or a copy of a stream (standard input, a
    /// pipe), which `removeCopy()` deletes after the load.
    public let readPath: String
    /// nil for formats whose rows map into several entities (hf-models, epoch).
    public let entity: Entity?
    public let format: SourceFormat

    public init(path: String, readPath: String? = nil, entity: Entity?, format: SourceFormat) {
        self.path = path
        self.readPath = readPath ?? path
        self.entity = entity
        self.format = format
    }

    /// Deletes the copy of a stream; a file read in place is left alone.
    public func removeCopy() {
        if readPath != path { try? FileManager.default.removeItem(atPath: readPath) }
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
    /// Load every file inside one outer transaction, a savepoint each, committed only when
    /// every file loaded: all the files or none (`owl pull hf` loads a snapshot's pages so).
    public var oneTransaction = false
    /// For hf-models: keep only models created on or after this date (YYYY-MM-DD).
    public var createdSince: String?
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
    /// Problems per field ("row" for a problem of the whole row), for the --skip-invalid digest.
    public var problemsByField: [String: Int] = [:]
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
    /// Folders are walked at any depth; `onSkip` hears of each file left out and why.
    public static func plan(paths: [String], into: Entity? = nil, format: SourceFormat? = nil,
                            mapping: ColumnMapping? = nil, onSkip: (_ path: String, _ reason: String) -> Void = { _, _ in }) throws -> [IngestFile] {
        var files: [IngestFile] = []
        var problems: [IngestPlanError.Problem] = []
        var copies: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard path == "-" || FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(.missing(path))
                continue
            }
            var candidates: [(name: String, readPath: String?)] = [(path, nil)]
            if path == "-" || isStream(path) {
                // Standard input or a pipe is read once: copied to a file, then loaded from it.
                let copy = try copyStream(path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path), named: path)
                copies.append(copy)
                candidates = [(path == "-" || path == "/dev/stdin" ? "<stdin>" : path, copy)]
            } else if isDirectory.boolValue {
                var visited: Set<String> = []
                var found: [String] = []
                try walk(path, into: &found, visited: &visited, onSkip: onSkip)
                candidates = found.map { ($0, nil) }
                if candidates.isEmpty { problems.append(.emptyFolder(path)) }
            }
            for (file, readPath) in candidates {
                let name = Paths.name(of: file)
                let stdin = file == "<stdin>"
                // A file named after an entity is in the interchange format, whatever it holds.
                let detected = mapping == nil && into == nil && Entity.forFileName(name) == nil ? SourceFormat.detect(path: readPath ?? file) : nil
                guard let fileFormat = format ?? detected ?? SourceFormat.forFileName(name) else {
                    problems.append(.unknownFormat(stdin ? nil : file))
                    continue
                }
                if !fileFormat.isInterchange {
                    files.append(IngestFile(path: file, readPath: readPath, entity: nil, format: fileFormat))
                    continue
                }
                if stdin && mapping?.entity == nil && into == nil {
                    problems.append(.unknownEntity(nil, suggestion: nil))
                    continue
                }
                guard let entity = mapping?.entity ?? into ?? Entity.forFileName(name) else {
                    let stem = name.split(separator: ".").first.map(String.init) ?? name
                    problems.append(.unknownEntity(file, suggestion: closest(to: stem, in: Entity.allCases.map(\.rawValue))))
                    continue
                }
                files.append(IngestFile(path: file, readPath: readPath, entity: entity, format: fileFormat))
            }
        }
        if !problems.isEmpty {
            for copy in copies { try? FileManager.default.removeItem(atPath: copy) }
            throw IngestPlanError(problems: problems)
        }
        // Dependency order; files that feed several entities come last. A stable sort keeps
        // the given order otherwise.
        func rank(_ file: IngestFile) -> Int { file.entity.map { Entity.allCases.firstIndex(of: $0)! } ?? Entity.allCases.count }
        return files.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// A pipe, FIFO or terminal rather than a regular file: it can be read only once.
    private static func isStream(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFCHR || type == S_IFSOCK
    }

    /// Copies a stream into a temporary file, chunk by chunk (memory stays flat).
    private static func copyStream(_ handle: FileHandle?, named name: String) throws -> String {
        guard let handle else { throw WarehouseError("\(name): cannot be read") }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("owl-stdin-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: copy, contents: nil), let out = FileHandle(forWritingAtPath: copy) else {
            throw WarehouseError("\(name): cannot make a temporary copy in \(FileManager.default.temporaryDirectory.path)")
        }
        defer { try? out.close() }
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
        } catch {
            try? FileManager.default.removeItem(atPath: copy)
            throw WarehouseError("\(name): reading or copying it failed: \(error.localizedDescription)")
        }
        return copy
    }

    /// The files under `folder` at any depth, each folder's entries in name order. Hidden
    /// files and folders and documentation (README, LICENSE, *.md) are left out and reported;
    /// a folder reached twice through a symbolic link is walked once.
    private static func walk(_ folder: String, into files: inout [String], visited: inout Set<String>,
                             onSkip: (String, String) -> Void) throws {
        guard visited.insert((folder as NSString).resolvingSymlinksInPath).inserted else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            let path = (folder as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let upper = name.uppercased()
            if name.hasPrefix(".") {
                onSkip(path, "hidden")
            } else if isDirectory.boolValue {
                try walk(path, into: &files, visited: &visited, onSkip: onSkip)
            } else if upper.hasSuffix(".MD") || (["README", "LICENSE", "LICENCE", "COPYING", "NOTICE"].contains { upper.hasPrefix($0) }
                                                 && SourceFormat.forFileName(name) == nil) {
                onSkip(path, "documentation")
            } else {
                files.append(path)
            }
        }
    }

    /// Loads the files in order, stopping at the first that fails. Files loaded before it stay
    /// loaded (except in a dry run, which rolls everything back, and with `oneTransaction`,
    /// which keeps them only when every file loads).
    public func ingest(_ files: [IngestFile], onFile: (FileReport) -> Void = { _ in }) throws -> [FileReport] {
        let db = warehouse.db
        let outer = options.dryRun || options.oneTransaction
        if outer { try db.execute("BEGIN IMMEDIATE") }
        defer { if outer, db.isInTransaction { try? db.execute("ROLLBACK") } }
        var reports: [FileReport] = []
        for file in files {
            let report = try ingestOne(file)
            reports.append(report)
            onFile(report)
            if !report.loaded { break }
        }
        if options.oneTransaction && !options.dryRun && reports.allSatisfy(\.loaded) { try db.execute("COMMIT") }
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
        // One transaction per file; inside an outer transaction (a dry run's, or
        // `oneTransaction`'s), a savepoint.
        let atomically: (() throws -> Void) throws -> Void = db.isInTransaction
            ? { try db.savepoint("ingest_file", $0) } : { try db.transaction($0) }
        // Observations are the one table with millions of rows, and ingest checks every field
        // of theirs itself: each model and metric key is looked up in the same transaction that
        // writes it, each date is checked to exist. SQLite's per-row foreign-key probes and
        // CHECK constraints would only repeat that work (the CHECK alone costs a third of an
        // insert), so they stay in the schema for other writers and are skipped here.
        // (Outside a transaction only: a dry run keeps every check.)
        let bulk = file.entity == .observations && !db.isInTransaction
        if bulk { try db.execute("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON") }
        // Every load stays in WAL mode, so readers keep answering while it runs.
        defer {
            if bulk { try? db.execute("PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF") }
        }
        do {
            try atomically {
                try self.load(file, into: &report)
                if report.failure != nil { throw RollBack() }
            }
        } catch is RollBack {
            // Rolled back: nothing of this file is stored.
        } catch let error as WarehouseError {
            report.failure = error.description
        } catch let error as SQLiteError where error.code == 5 {  // SQLITE_BUSY: the wait ran out
            report.failure = "\(file.path): another load of this database is still running; nothing of this file was loaded (--wait gives it longer)"
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

    /// The state of one file's load: its batches per entity, counts, problems and rejects.
    private final class FileLoad {
        let file: IngestFile
        let db: Database
        let options: IngestOptions
        var report: FileReport
        var loads: [Entity: EntityLoad] = [:]
        let summaries: ObservationSummaries
        /// The closure of model_bases, prepared when the file holds bases.
        private var ancestors: ModelAncestors?
        /// Models and metrics whose rows changed: their summaries are recomputed, since a
        /// release date or a window length changes every span.
        private var changedModels: Set<String> = [], changedMetrics: Set<String> = []
        private let reject: Statement
        /// Rows of the file, as opposed to records: one row of a real-world file may feed
        /// several entities, all with the row's line.
        var fileRows = 0
        private var lastLine = -1, lastInvalidLine = -1

        init(file: IngestFile, db: Database, options: IngestOptions) throws {
            self.file = file
            self.db = db
            self.options = options
            report = FileReport(file: file)
            summaries = ObservationSummaries(db: db)
            reject = try db.prepare("INSERT INTO rejects (batch, file, line, field, value, reason) VALUES (?, ?, ?, ?, ?, ?)")
            // One set of rejects per file path: loading the path again replaces them (in this
            // file's transaction, so a load that fails keeps the old ones).
            try db.run("DELETE FROM rejects WHERE file = ?", [file.path])
            // A one-entity file is a batch even when it holds no rows.
            if let entity = file.entity { _ = try load(for: entity) }
        }

        func load(for entity: Entity) throws -> EntityLoad {
            if let load = loads[entity] { return load }
            try db.run("INSERT INTO batches (path, sha256, entity, format, started_at) VALUES (?, ?, ?, ?, ?)",
                       [file.path, String(repeating: "0", count: 64), entity.rawValue, file.format.rawValue, Timestamp.now()])
            let load = try EntityLoad(entity: entity, db: db, batch: db.lastInsertRowID)
            loads[entity] = load
            return load
        }

        func startRecord(line: Int) {
            if line != lastLine {
                fileRows += 1
                lastLine = line
            }
        }

        func count(_ outcome: RowWriter.Outcome, in load: EntityLoad) {
            switch outcome {
            case .inserted: load.counts.inserted += 1
            case .updated: load.counts.updated += 1
            case .unchanged: load.counts.unchanged += 1
            }
        }

        /// Validates and writes one converted record, or reports why it cannot be.
        func handle(_ record: inout SourceRecord) throws {
            if !record.revisitsRow { startRecord(line: record.line) }
            let load = try self.load(for: record.entity)
            load.counts.read += 1
            var problems: [RowProblem] = []
            switch try load.validator.validate(&record) {
            case .valid(let values):
                // Valid rows are written even after an invalid one (the file then rolls back),
                // so later rows that refer to them are not reported as dangling.
                do {
                    let outcome = try load.writer.write(values, insertOnly: record.insertOnly || options.insertOnly)
                    count(outcome, in: load)
                    if record.entity == .observations, case .integer(let model) = values[0], case .integer(let metric) = values[1],
                       case .text(let date) = values[2], case .real(let value) = values[3] {
                        try summaries.record(metric: metric, model: model, day: ObservationSummaries.day(date), value: value, outcome: outcome)
                    } else if record.entity == .modelBases, outcome == .inserted,
                              case .integer(let model) = values[0], case .integer(let base) = values[1] {
                        if ancestors == nil { ancestors = try ModelAncestors(db: db) }
                        try ancestors!.record(model: model, base: base)
                    } else if outcome == .updated, case .text(let id) = values[0] {
                        if record.entity == .models { changedModels.insert(id) }
                        if record.entity == .metrics { changedMetrics.insert(id) }
                    }
                } catch let error as SQLiteError where error.code == 19 {  // SQLITE_CONSTRAINT
                    problems = [RowProblem(line: record.line, field: nil, message: "rejected by the database: \(error.message)", value: nil)]
                }
            case .invalid(let found):
                problems = found
            }
            guard !problems.isEmpty else { return }
            load.counts.skipped += 1
            // Later records of a row already reported fail because of it: count, don't repeat.
            if record.line == lastInvalidLine && file.entity == nil { return }
            lastInvalidLine = record.line
            report.invalidRows += 1
            report.problemCount += problems.count
            for problem in problems { report.problemsByField[problem.field ?? "row", default: 0] += 1 }
            for problem in problems where report.problems.count < options.problemLimit {
                report.problems.append(problem.rendered(file: file.path))
            }
            if options.skipInvalid {
                for problem in problems {
                    try reject.run([load.counts.batch, file.path, problem.line, problem.field, problem.value, problem.message])
                }
            }
        }

        private func recomputeSummaries() throws {
            guard !changedModels.isEmpty || !changedMetrics.isEmpty else { return }
            let pairs = try db.rows("""
                SELECT l.metric, l.model FROM observation_latest AS l
                JOIN models AS m ON m.key = l.model JOIN metrics AS k ON k.key = l.metric
                WHERE m.id IN (SELECT value FROM json_each(?)) OR k.id IN (SELECT value FROM json_each(?))
                ORDER BY l.metric, l.model
                """, [Self.jsonList(changedModels), Self.jsonList(changedMetrics)])
            var byMetric: [Int64: [Int64]] = [:]
            for pair in pairs { byMetric[pair[0].integerValue ?? 0, default: []].append(pair[1].integerValue ?? 0) }
            for (metric, models) in byMetric { try ObservationSummaries.recompute(metric: metric, models: models, in: db) }
        }

        private static func jsonList(_ ids: Set<String>) -> String {
            "[" + ids.map(RowFormatter.jsonString).joined(separator: ",") + "]"
        }

        /// Closes the batches with the file's hash and counts, or marks the file failed.
        func finish(sha256: () throws -> String) throws {
            report.entities = loads.values.map(\.counts).sorted { $0.entity < $1.entity }
            report.rows = fileRows
            if report.problemCount > 0 && !options.skipInvalid {
                for index in report.entities.indices { report.entities[index].skipped = 0 }
                report.failure = "\(file.path): \(report.invalidRows) of \(fileRows) rows are invalid; nothing of this file was loaded (fix them, or give --skip-invalid to load the valid rows and keep the rest as rejects)"
                return
            }
            try summaries.flush()
            try recomputeSummaries()
            let hash = try sha256()
            for counts in report.entities {
                try db.run("""
                    UPDATE batches SET sha256 = ?, rows_read = ?, inserted = ?, updated = ?, unchanged = ?, skipped = ?, finished_at = ?
                    WHERE id = ?
                    """, [hash, counts.read, counts.inserted, counts.updated, counts.unchanged, counts.skipped, Timestamp.now(), counts.batch])
            }
        }
    }

    private func load(_ file: IngestFile, into report: inout FileReport) throws {
        let db = warehouse.db
        let started = Date()
        let bytes = try ByteSource(path: file.readPath, name: file.path)
        let state = try FileLoad(file: file, db: db, options: options)
        defer { report = state.report }
        var lastTick = started
        func tick(rows: Int, bytesRead: Int64) {
            guard let progress else { return }
            let now = Date()
            guard now.timeIntervalSince(lastTick) >= 0.1 else { return }
            lastTick = now
            progress(IngestProgress(file: file, bytesRead: bytesRead, bytesTotal: bytes.size, rows: rows, seconds: now.timeIntervalSince(started)))
        }

        if file.entity == .observations && file.format == .csv && options.mapping == nil {
            try loadObservationsCSV(bytes, into: state, tick: tick)
            try state.finish { try bytes.finishHash() }
            return
        }
        let context = try SourceContext(db: db, options: options, fileName: Paths.name(of: file.path), format: file.format)
        let source = try openRecordSource(bytes, file: file, context: context)
        let converters = Dictionary(uniqueKeysWithValues: Entity.allCases.map { ($0, FieldConverter(entity: $0)) })
        let records = PrefetchingRecordSource(source) { converters[$0.entity]!.convert(&$0) }
        defer { records.cancel() }
        var rowsSeen = 0
        while var record = try records.next() {
            try state.handle(&record)
            rowsSeen += 1
            if rowsSeen & 4095 == 0 { tick(rows: rowsSeen, bytesRead: records.bytesRead) }
        }
        state.report.notes = source.notes
        try state.finish { try bytes.finishHash() }
    }

    /// The bulk path for observation CSVs, the one entity with millions of rows: each row goes
    /// from the file's bytes to bound parameters with no String or array built for it. Any
    /// row it is not sure of (odd spacing, a new id, an unusual number, a problem) takes the
    /// general path, so messages and outcomes are the same.
    private func loadObservationsCSV(_ bytes: ByteSource, into state: FileLoad, tick: (Int, Int64) -> Void) throws {
        let csv = try CSVRecordSource(reader: CSVReader(source: bytes), entity: .observations, source: bytes)
        let reader = PrefetchingRawRows(reader: csv.reader, source: bytes)
        defer { reader.cancel() }
        let load = try state.load(for: .observations)
        let converter = FieldConverter(entity: .observations)
        let columns = csv.columnOfField  // model, metric, observed_on, value, source
        let modelColumn = columns[0]!, metricColumn = columns[1]!, dateColumn = columns[2]!, valueColumn = columns[3]!
        let sourceColumn = columns[4]
        var lastModel: [UInt8] = [], lastModelKey: Int64 = 0
        var lastMetric: [UInt8] = [], lastMetricKey: Int64 = 0
        var rows = 0
        let summaries = state.summaries

        /// The key of a model or metric id, or nil to leave the row to the general path.
        func key(_ cell: UnsafeBufferPointer<UInt8>, _ entity: Entity, last: inout [UInt8], lastKey: inout Int64) throws -> Int64? {
            if cell.count == last.count && !last.isEmpty,
               last.withUnsafeBufferPointer({ memcmp($0.baseAddress!, cell.baseAddress!, cell.count) == 0 }) {
                return lastKey
            }
            guard let first = cell.first, let end = cell.last, (0x21..<0x80).contains(first), (0x21..<0x80).contains(end),
                  let id = String(validating: cell, as: UTF8.self),
                  case .value(.integer(let key)) = try load.validator.resolve(id, in: entity) else { return nil }
            last = Array(cell)
            lastKey = key
            return key
        }

        try reader.forEachRow { row in
            rows += 1
            if rows & 4095 == 0 { tick(rows, reader.bytesRead) }
            var written: RowWriter.Outcome?
            if row.cellCount == csv.headerWidth,
               let model = try key(row.cell(modelColumn), .models, last: &lastModel, lastKey: &lastModelKey),
               let metric = try key(row.cell(metricColumn), .metrics, last: &lastMetric, lastKey: &lastMetricKey),
               case let date = row.cell(dateColumn), let (year, month, dayOfMonth) = DateText.validComponents(bytes: date),
               let value = Self.plainNumber(row.cell(valueColumn)),
               sourceColumn.map({ Self.isPlainText(row.cell($0)) }) ?? true {
                do {
                    written = try load.writer.write(insertOnly: options.insertOnly) { statement in
                        try statement.bind(.integer(model), at: 1)
                        try statement.bind(.integer(metric), at: 2)
                        // In place, not copied: the row's bytes stay put while it is written.
                        try statement.bindText(UnsafeRawBufferPointer(date), at: 3, copy: false)
                        try statement.bind(.real(value), at: 4)
                        if let sourceColumn, !row.cell(sourceColumn).isEmpty {
                            try statement.bindText(UnsafeRawBufferPointer(row.cell(sourceColumn)), at: 5, copy: false)
                        } else {
                            try statement.bind(.null, at: 5)
                        }
                    }
                    if let written {
                        try summaries.record(metric: metric, model: model, day: year * 10_000 + month * 100 + dayOfMonth,
                                             value: value, outcome: written)
                    }
                } catch let error as SQLiteError where error.code == 19 {
                    written = nil  // the general path reports it
                }
            }
            if let written {
                state.startRecord(line: row.line)
                load.counts.read += 1
                state.count(written, in: load)
            } else {
                var record = csv.record(from: row.csvRow())
                converter.convert(&record)
                try state.handle(&record)
            }
        }
    }

    /// A number written plainly: digits with an optional sign and decimal point. Whole
    /// numbers of up to 15 digits are read here exactly; others through `FieldConverter`.
    private static func plainNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !bytes.isEmpty else { return nil }
        if bytes.count <= 15, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return Double(bytes.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) })
        }
        guard let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20 else { return nil }
        return FieldConverter.number(String(decoding: bytes, as: UTF8.self))
    }

    /// Text that needs no trimming and is valid UTF-8 (an empty cell is fine: not known).
    private static func isPlainText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return true }
        // Anything that trimming could change goes the general way.
        guard (0x21..<0x80).contains(first), (0x21..<0x80).contains(last) else { return false }
        return bytes.allSatisfy { $0 < 0x80 } || String(validating: bytes, as: UTF8.self) != nil
    }
}
