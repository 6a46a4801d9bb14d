import Foundation
import SQLiteDB

extension Ingester {
    /// The validator, writer and counts of one entity within a file.
    final class EntityLoad {
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
    final class FileLoad {
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
                       case .integer(let day) = values[2], case .real(let value) = values[3] {
                        try summaries.record(metric: metric, model: model, day: Int(day), value: value, outcome: outcome)
                    } else if record.entity == .modelBases, outcome == .inserted,
                              case .integer(let model) = values[0], case .integer(let base) = values[1] {
                        let closure = try ancestors ?? ModelAncestors(db: db)
                        ancestors = closure
                        try closure.record(model: model, base: base)
                    } else if outcome == .updated, case .text(let id) = values[0] {
                        if record.entity == .models { changedModels.insert(id) }
                        if record.entity == .metrics { changedMetrics.insert(id) }
                    }
                } catch let error as SQLiteError where error.code == .SQLITE_CONSTRAINT {
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
                report.failure = .invalidRows(path: file.path, invalid: report.invalidRows, of: fileRows)
                return
            }
            try summaries.flush()
            try recomputeSummaries()
            // After every other summary write: a model moved in this file marks organizations.
            try OrganizationMonths.refreshStale(in: db)
            let hash = try sha256()
            for counts in report.entities {
                try db.run("""
                    UPDATE batches SET sha256 = ?, rows_read = ?, inserted = ?, updated = ?, unchanged = ?, skipped = ?, finished_at = ?
                    WHERE id = ?
                    """, [hash, counts.read, counts.inserted, counts.updated, counts.unchanged, counts.skipped, Timestamp.now(), counts.batch])
            }
        }
    }
}
