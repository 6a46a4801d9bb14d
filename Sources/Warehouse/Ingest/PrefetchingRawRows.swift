import Foundation

/// A reader of rows as raw cells, for the bulk load: a CSV file's rows, or a JSON file's
/// objects laid out as rows of their entity's fields.
protocol RawRowReader: AnyObject {
    /// Reads the next row into the properties below; false at end of file.
    func nextRaw() throws -> Bool
    /// Every cell's bytes one after another, and where each cell ends.
    var rawBytes: [UInt8] { get }
    var cellEnds: [Int] { get }
    /// The line the row starts on.
    var rawLine: Int { get }
    /// What was wrong with the row as read (unknown fields, say); usually none.
    var rawProblems: [RowProblem] { get }
    var bytesRead: Int64 { get }
}

extension CSVReader: RawRowReader {
    /// A CSV row's problems are found from its cells (their count, their UTF-8).
    var rawProblems: [RowProblem] { [] }
}

/// Raw rows (cell bytes, no Strings) read on a second thread in batches, for the bulk
/// load: the reading thread parses while the caller binds and writes. The reader (and the
/// file under it) is handed over whole: only the reading thread uses it from then on.
final class PrefetchingRawRows {
    private struct Batch {
        var bytes: [UInt8] = []
        /// End offset (in `bytes`) of every cell of every row.
        var cellEnds: [Int] = []
        /// Per row: index of its first cell in `cellEnds`, its first byte, its line.
        var firstCell: [Int] = []
        var firstByte: [Int] = []
        var lines: [Int] = []
        /// The problems of the rows that have any, by row.
        var problems: [Int: [RowProblem]] = [:]
        var bytesRead: Int64 = 0
        var error: Error?
        var isLast = false
        var count: Int { lines.count }
    }

    private let batches: BackgroundBatches<Batch>
    private(set) var bytesRead: Int64 = 0

    init(reader: sending any RawRowReader, rowsPerBatch: Int = 4096) {
        batches = BackgroundBatches {
            var batch = Batch()
            batch.bytes.reserveCapacity(rowsPerBatch * 64)
            do {
                while batch.count < rowsPerBatch {
                    guard try reader.nextRaw() else {
                        batch.isLast = true
                        break
                    }
                    if !reader.rawProblems.isEmpty { batch.problems[batch.count] = reader.rawProblems }
                    batch.firstCell.append(batch.cellEnds.count)
                    batch.firstByte.append(batch.bytes.count)
                    batch.lines.append(reader.rawLine)
                    let base = batch.bytes.count
                    batch.bytes.append(contentsOf: reader.rawBytes)
                    batch.cellEnds.append(contentsOf: reader.cellEnds.lazy.map { $0 + base })
                }
            } catch {
                batch.error = error
                batch.isLast = true
            }
            batch.bytesRead = reader.bytesRead
            return (batch, batch.isLast)
        }
    }

    deinit { cancel() }

    func cancel() { batches.cancel() }

    /// One row of a batch, valid only inside `forEachRow`'s body: its cells point into the
    /// batch, which stays in place until the body returns.
    struct Row {
        let line: Int
        let problems: [RowProblem]
        fileprivate let bytes: UnsafeBufferPointer<UInt8>
        fileprivate let ends: Slice<UnsafeBufferPointer<Int>>
        fileprivate let firstByte: Int

        var cellCount: Int { ends.count }

        func cell(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            let position = ends.startIndex + index
            let start = index == 0 ? firstByte : ends.base[position - 1]
            return UnsafeBufferPointer(rebasing: bytes[start..<ends.base[position]])
        }

        /// The row with its cells as Strings, for the general path (invalid UTF-8 marked).
        func csvRow() -> CSVRow {
            CSVRow(line: line, cellCount: cellCount) { index, body in body(cell(index)) }
        }
    }

    /// Calls `body` with every row in order, and `endOfBatch` after the last row of each
    /// batch, while its rows are still valid. Rows read before a syntax error come first,
    /// then the error. Batch by batch, so no row costs more than a pointer to its bytes.
    func forEachRow(_ body: (Row) throws -> Void, endOfBatch: () throws -> Void = {}) throws {
        while true {
            let batch = batches.take()
            bytesRead = batch.bytesRead
            try batch.bytes.withUnsafeBufferPointer { bytes in
                try batch.cellEnds.withUnsafeBufferPointer { ends in
                    for row in 0..<batch.count {
                        let first = batch.firstCell[row]
                        let last = row + 1 < batch.count ? batch.firstCell[row + 1] : batch.cellEnds.count
                        try body(Row(line: batch.lines[row], problems: batch.problems.isEmpty ? [] : batch.problems[row] ?? [], bytes: bytes, ends: ends[first..<last], firstByte: batch.firstByte[row]))
                    }
                    try endOfBatch()
                }
            }
            if let error = batch.error { throw error }
            if batch.isLast { return }
        }
    }
}
