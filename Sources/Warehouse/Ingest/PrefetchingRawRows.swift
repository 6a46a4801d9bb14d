import Foundation

/// Raw CSV rows (cell bytes, no Strings) read on a second thread in batches, for the bulk
/// load: the reading thread parses while the caller binds and writes.
final class PrefetchingRawRows {
    private struct Batch {
        var bytes: [UInt8] = []
        /// End offset (in `bytes`) of every cell of every row.
        var cellEnds: [Int] = []
        /// Per row: index of its first cell in `cellEnds`, its first byte, its line.
        var firstCell: [Int] = []
        var firstByte: [Int] = []
        var lines: [Int] = []
        var bytesRead: Int64 = 0
        var error: Error?
        var isLast = false
        var count: Int { lines.count }
    }

    private let batches: BackgroundBatches<Batch>
    private var current = Batch()
    private var row = -1
    private(set) var bytesRead: Int64 = 0

    init(reader: CSVReader, source: ByteSource, rowsPerBatch: Int = 4096) {
        batches = BackgroundBatches {
            var batch = Batch()
            batch.bytes.reserveCapacity(rowsPerBatch * 64)
            do {
                while batch.count < rowsPerBatch {
                    guard try reader.nextRaw() else {
                        batch.isLast = true
                        break
                    }
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
            batch.bytesRead = source.bytesRead
            return (batch, batch.isLast)
        }
    }

    deinit { cancel() }

    func cancel() { batches.cancel() }

    /// Moves to the next row; false after the last. Rows read before a syntax error come
    /// first, then the error.
    func next() throws -> Bool {
        row += 1
        while row >= current.count {
            if let error = current.error {
                current.error = nil
                throw error
            }
            if current.isLast { return false }
            current = batches.take()
            bytesRead = current.bytesRead
            row = 0
        }
        return true
    }

    var line: Int { current.lines[row] }

    var cellCount: Int {
        (row + 1 < current.count ? current.firstCell[row + 1] : current.cellEnds.count) - current.firstCell[row]
    }

    /// The bytes of cell `index` of the current row; they stay in place until the next batch.
    func withCell<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        let cell = current.firstCell[row] + index
        let start = index == 0 ? current.firstByte[row] : current.cellEnds[cell - 1]
        return try current.bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<current.cellEnds[cell]])) }
    }

    /// The current row with its cells as Strings, for the general path.
    func currentRow() -> CSVRow {
        CSVRow(line: line, cellCount: cellCount) { index, body in withCell(index, body) }
    }
}
