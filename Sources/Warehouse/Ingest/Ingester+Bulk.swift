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
        let load = try state.load(for: .observations)
        let converter = FieldConverter(entity: .observations)
        // model, metric, observed_on, value, source. CSVRecordSource refuses a header that
        // lacks a required column; checked again here.
        guard let modelColumn = columns[0], let metricColumn = columns[1], let dateColumn = columns[2], let valueColumn = columns[3] else {
            throw WarehouseError("\(path):1: the header lacks a required column of observations (model, metric, observed_on, value)")
        }
        let sourceColumn = columns[4]
        var lastModel: [UInt8] = [], lastModelKey: Int64 = 0
        var lastMetric: [UInt8] = [], lastMetricKey: Int64 = 0
        var rows = 0
        let summaries = state.summaries

        /// The key of a model or metric id, or nil to leave the row to the general path.
        func key(_ cell: UnsafeBufferPointer<UInt8>, _ entity: Entity, last: inout [UInt8], lastKey: inout Int64) throws -> Int64? {
            if cell.count == last.count && !last.isEmpty,
               last.withUnsafeBufferPointer({ lastBytes in
                   guard let a = lastBytes.baseAddress, let b = cell.baseAddress else { return false }  // never: both hold bytes
                   return memcmp(a, b, cell.count) == 0
               }) {
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
            if row.cellCount == width, row.problems.isEmpty,
               let model = try key(row.cell(modelColumn), .models, last: &lastModel, lastKey: &lastModelKey),
               let metric = try key(row.cell(metricColumn), .metrics, last: &lastMetric, lastKey: &lastMetricKey),
               case let date = row.cell(dateColumn), let (year, month, dayOfMonth) = DateText.validComponents(bytes: date),
               let value = Self.plainNumber(row.cell(valueColumn)),
               sourceColumn.map({ Self.isPlainText(row.cell($0)) }) ?? true {
                do {
                    written = try load.writer.write(insertOnly: options.insertOnly) { statement in
                        try statement.bind(.integer(model), at: 1)
                        try statement.bind(.integer(metric), at: 2)
                        // Bound in place, not copied. SQLite reads a bound value only while the
                        // statement runs, and `write` runs it inside this closure, where the row's
                        // bytes (its batch in `forEachRow`) stay put. The pointers stay bound after
                        // the batch is gone, but are never read: every later run of these two
                        // statements binds all five parameters anew first (both `RowWriter.write`s).
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
                } catch let error as SQLiteError where error.code == .SQLITE_CONSTRAINT {
                    written = nil  // the general path reports it
                }
            }
            if let written {
                state.startRecord(line: row.line)
                load.counts.read += 1
                state.count(written, in: load)
            } else {
                var general = record(row)
                converter.convert(&general)
                try state.handle(&general)
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
