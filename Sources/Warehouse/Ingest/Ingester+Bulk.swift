import Foundation
import SQLiteDB

extension Ingester {
    /// The bulk path for observations, the one entity with millions of rows, in CSV, JSON
    /// or JSON Lines: each row goes from the file's bytes to bound parameters with no String
    /// or array built for it. Any row it is not sure of (odd spacing, a new id, an unusual
    /// number, a problem) takes the general path, so messages and outcomes are the same.
    func loadObservations(_ bytes: sending ByteSource, format: SourceFormat, into state: FileLoad, tick: (Int, Int64) -> Void) throws {
        let path = bytes.path
        let reader: PrefetchingRawRows
        /// For each field of observations, the cell holding it; how many cells a row has.
        let columns: [Int?], width: Int
        /// The row as a record for the general path.
        let record: (PrefetchingRawRows.Row) -> SourceRecord
        if format == .csv {
            let csv = try CSVRecordSource(reader: CSVReader(source: bytes), entity: .observations, source: bytes)
            // The reader (with `csv` and `bytes` under it) goes to a reading thread; this one
            // keeps what the header says and the file's name.
            let header = csv.header
            reader = PrefetchingRawRows(reader: csv.reader)
            (columns, width) = (header.columnOfField, header.headerWidth)
            record = { header.record(from: $0.csvRow()) }
        } else {
            // JSON objects come laid out in the entity's field order, one cell per field.
            let json = JSONRecordSource(reader: JSONReader(source: bytes, jsonLines: format == .jsonl), entity: .observations, source: bytes)
            reader = PrefetchingRawRows(reader: json)
            (columns, width) = (Entity.observations.fieldNames.indices.map { $0 }, Entity.observations.fieldNames.count)
            record = { SourceRecord(entity: .observations, line: $0.line, cells: $0.csvRow().cells, problems: $0.problems) }
        }
        defer { reader.cancel() }
        // model, metric, observed_on, value, source. CSVRecordSource refuses a header that
        // lacks a required column; checked again here.
        guard let modelColumn = columns[0], let metricColumn = columns[1], let dateColumn = columns[2], let valueColumn = columns[3] else {
            throw WarehouseError("\(path):1: the header lacks a required column of observations (model, metric, observed_on, value)")
        }
        var fast = ObservationFastPath(load: try state.load(for: .observations), state: state, insertOnly: options.insertOnly,
                                       columns: (modelColumn, metricColumn, dateColumn, valueColumn, columns[4]), width: width,
                                       record: record)
        var rows = 0
        try reader.forEachRow({ row in
            rows += 1
            if rows & 4095 == 0 { tick(rows, reader.bytesRead) }
            try fast.take(row)
        }, endOfBatch: { try fast.writeWaiting() })
    }
}

/// The bulk path's rows between the reader and the database: each row it can check from its
/// bytes alone waits to be inserted with the rows after it; any other goes the general way.
/// What it remembers from row to row (the last ids looked up, the rows waiting, what each
/// statement was bound to) is its state, so that each step is a method with a name.
private struct ObservationFastPath {
    let load: Ingester.EntityLoad
    let state: Ingester.FileLoad
    let insertOnly: Bool
    /// The cells holding model, metric, observed_on, value and (optional) source.
    let columns: (model: Int, metric: Int, date: Int, value: Int, source: Int?)
    /// How many cells a row has.
    let width: Int
    /// The row as a record for the general path.
    let record: (PrefetchingRawRows.Row) -> SourceRecord
    let converter = FieldConverter(entity: .observations)

    /// The last id looked up and its key: a model's observations come together, so most rows
    /// repeat the row before's model and metric.
    struct LastKey {
        var id: [UInt8] = [], key: Int64 = 0
    }
    var lastModel = LastKey(), lastMetric = LastKey()

    /// A row the fast path has read and checked, waiting to be inserted with the rows after
    /// it. Its cells point into the reader's current batch, so the rows waiting are written
    /// before that batch ends, and before any row takes the general path (which may write
    /// the same key: rows are written in the file's order).
    struct Waiting {
        let row: PrefetchingRawRows.Row
        let model: Int64, metric: Int64, day: Int, value: Double
    }
    /// Fills up to `rowsPerInsert` and is emptied keeping its capacity.
    var waiting: [Waiting] = []

    /// What each row of a many-row insert was last bound to, by statement. SQLite keeps a
    /// statement's bindings from one run to the next, and a row of one run mostly has the
    /// model, metric and (missing) source of the same row of the run before (a model's
    /// observations come together), so those are bound again only when they change.
    struct BoundRow: Equatable {
        var model: Int64, metric: Int64, sourceIsNull: Bool
    }
    var boundRows: [ObjectIdentifier: [BoundRow?]] = [:]

    /// Rows per insert statement on the fast path: 64 × 5 parameters, well under SQLite's
    /// limit; more rows per statement gain nothing measurable.
    private static let rowsPerInsert = 64
    private static let fieldCount = Int32(Entity.observations.fieldNames.count)

    /// Takes the file's next row: checked here and left waiting, or (after the rows waiting
    /// are written) handed to the general path.
    mutating func take(_ row: PrefetchingRawRows.Row) throws {
        if row.cellCount == width, row.problems.isEmpty,
           let model = try Self.key(row.cell(columns.model), .models, in: load.validator, last: &lastModel),
           let metric = try Self.key(row.cell(columns.metric), .metrics, in: load.validator, last: &lastMetric),
           let (year, month, dayOfMonth) = DateText.validComponents(bytes: row.cell(columns.date)),
           let value = Self.plainNumber(row.cell(columns.value)),
           columns.source.map({ Self.isPlainText(row.cell($0)) }) ?? true {
            waiting.append(Waiting(row: row, model: model, metric: metric, day: CivilDay.number(year: year, month: month, day: dayOfMonth), value: value))
            if waiting.count == Self.rowsPerInsert { try writeWaiting() }
        } else {
            try writeWaiting()
            try takeGeneralPath(row)
        }
    }

    /// Writes the rows waiting: all at once when all are new (a first load), else one by one.
    mutating func writeWaiting() throws {
        guard !waiting.isEmpty else { return }
        defer { waiting.removeAll(keepingCapacity: true) }
        let allNew = try load.writer.insertAllNew(rows: waiting.count) { statement in
            let key = ObjectIdentifier(statement)
            var bound = boundRows.removeValue(forKey: key) ?? Array(repeating: nil, count: waiting.count)
            for (index, row) in waiting.enumerated() {
                bound[index] = try bind(row, to: statement, from: Int32(index) * Self.fieldCount + 1, was: bound[index])
            }
            boundRows[key] = bound
        }
        if allNew {
            for row in waiting { try written(row, .inserted) }
            return
        }
        for row in waiting {
            let outcome: RowWriter.Outcome
            do {
                outcome = try load.writer.write(insertOnly: insertOnly) { _ = try bind(row, to: $0, from: 1) }
            } catch let error as SQLiteError where error.code == .SQLITE_CONSTRAINT {
                try takeGeneralPath(row.row)  // which reports it
                continue
            }
            try written(row, outcome)
        }
    }

    /// The key of a model or metric id, or nil to leave the row to the general path.
    private static func key(_ cell: UnsafeBufferPointer<UInt8>, _ entity: Entity, in validator: RowValidator, last: inout LastKey) throws -> Int64? {
        if cell.count == last.id.count && !last.id.isEmpty,
           last.id.withUnsafeBufferPointer({ lastBytes in
               guard let a = lastBytes.baseAddress, let b = cell.baseAddress else { return false }  // never: both hold bytes
               return memcmp(a, b, cell.count) == 0
           }) {
            return last.key
        }
        guard let first = cell.first, let end = cell.last, (0x21..<0x80).contains(first), (0x21..<0x80).contains(end),
              let id = String(validating: cell, as: UTF8.self),
              case .value(.integer(let key)) = try validator.resolve(id, in: entity) else { return nil }
        last = LastKey(id: Array(cell), key: key)
        return key
    }

    private func bind(_ waiting: Waiting, to statement: Statement, from first: Int32, was bound: BoundRow? = nil) throws -> BoundRow {
        let row = waiting.row
        if bound?.model != waiting.model { try statement.bind(.integer(waiting.model), at: first) }
        if bound?.metric != waiting.metric { try statement.bind(.integer(waiting.metric), at: first + 1) }
        try statement.bind(.integer(Int64(waiting.day)), at: first + 2)
        try statement.bind(.real(waiting.value), at: first + 3)
        // Bound in place, not copied. SQLite reads a bound value only while the statement
        // runs, and it runs before the row's batch in `forEachRow` moves. The pointer stays
        // bound after the batch is gone, but is never read: every later run of these
        // statements binds that parameter anew first (only a NULL is left as it was).
        if let source = columns.source, !row.cell(source).isEmpty {
            try statement.bindText(UnsafeRawBufferPointer(row.cell(source)), at: first + 4, copy: false)
            return BoundRow(model: waiting.model, metric: waiting.metric, sourceIsNull: false)
        }
        if bound?.sourceIsNull != true { try statement.bind(.null, at: first + 4) }
        return BoundRow(model: waiting.model, metric: waiting.metric, sourceIsNull: true)
    }

    private func written(_ waiting: Waiting, _ outcome: RowWriter.Outcome) throws {
        try state.summaries.record(metric: waiting.metric, model: waiting.model, day: waiting.day, value: waiting.value, outcome: outcome)
        state.startRecord(line: waiting.row.line)
        load.counts.read += 1
        state.count(outcome, in: load)
    }

    private func takeGeneralPath(_ row: PrefetchingRawRows.Row) throws {
        var general = record(row)
        converter.convert(&general)
        try state.handle(&general)
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
