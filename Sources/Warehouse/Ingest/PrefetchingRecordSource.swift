import Foundation

/// Reads, parses and converts a file's rows on a second thread while the caller resolves
/// references and writes, so a load takes as long as the slower of the two, not their sum. Rows arrive in the
/// same order, in batches through a small bounded queue (memory stays flat).
final class PrefetchingRecordSource: RecordSource {
    private struct Batch {
        var records: [SourceRecord]
        var bytesRead: Int64
        var error: Error?
        var isLast: Bool
    }

    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var cancelled = false
    private let capacity = 4
    private var current: [SourceRecord] = []
    private var currentIndex = 0
    private var finished = false
    private(set) var bytesRead: Int64 = 0

    init(_ inner: RecordSource, batchSize: Int = 2048, prepare: @escaping (inout SourceRecord) -> Void) {
        let thread = Thread { [condition] in
            var done = false
            while !done {
                var batch = Batch(records: [], bytesRead: 0, error: nil, isLast: false)
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
                done = batch.isLast
                condition.lock()
                while self.queue.count >= self.capacity && !self.cancelled { condition.wait() }
                if self.cancelled {
                    condition.unlock()
                    return
                }
                self.queue.append(batch)
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.start()
    }

    deinit { cancel() }

    /// Stops the reading thread early (the caller gave up on the file).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func next() throws -> SourceRecord? {
        while currentIndex == current.count {
            // Rows read before a syntax error are delivered first, then the error.
            if let error = pendingError {
                pendingError = nil
                throw error
            }
            if finished { return nil }
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            current = batch.records
            currentIndex = 0
            bytesRead = batch.bytesRead
            pendingError = batch.error
            finished = batch.isLast
        }
        currentIndex += 1
        return current[currentIndex - 1]
    }

    private var pendingError: Error?
}
