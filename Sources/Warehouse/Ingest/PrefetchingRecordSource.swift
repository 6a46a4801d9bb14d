import Foundation

/// Reads, parses and converts a file's rows on a second thread while the caller resolves
/// references and writes, so a load takes as long as the slower of the two, not their sum.
/// The inner source and `prepare` are handed over whole: only the reading thread uses them.
final class PrefetchingRecordSource: RecordSource {
    private struct Batch {
        var records: [SourceRecord] = []
        var bytesRead: Int64 = 0
        /// The inner source's notes, with the last batch.
        var notes: [String] = []
        var error: Error?
        var isLast = false
    }

    private let batches: BackgroundBatches<Batch>
    private var current = Batch()
    private var currentIndex = 0
    private(set) var bytesRead: Int64 = 0
    private(set) var notes: [String] = []

    init(_ inner: sending RecordSource, batchSize: Int = 2048, prepare: sending @escaping (inout SourceRecord) -> Void) {
        batches = BackgroundBatches {
            var batch = Batch()
            batch.records.reserveCapacity(batchSize)
            do {
                while batch.records.count < batchSize {
                    guard var record = try inner.next() else {
                        batch.isLast = true
                        break
                    }
                    prepare(&record)
                    record.cells = []  // freed on this thread, not the writer's
                    batch.records.append(record)
                }
            } catch {
                batch.error = error
                batch.isLast = true
            }
            batch.bytesRead = inner.bytesRead
            if batch.isLast { batch.notes = inner.notes }
            return (batch, batch.isLast)
        }
    }

    deinit { cancel() }

    func cancel() { batches.cancel() }

    func next() throws -> SourceRecord? {
        while currentIndex == current.records.count {
            // Rows read before a syntax error are delivered first, then the error.
            if let error = current.error {
                current.error = nil
                throw error
            }
            if current.isLast { return nil }
            current = batches.take()
            currentIndex = 0
            bytesRead = current.bytesRead
            notes = current.notes
        }
        currentIndex += 1
        return current.records[currentIndex - 1]
    }
}
