import Foundation

/// Batches made on a thread of their own and taken in order through a small bounded queue,
/// so the maker runs ahead of the taker by at most `capacity` batches (memory stays flat).
final class BackgroundBatches<Batch> {
    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var cancelled = false

    /// `make` runs on the background thread until it returns a batch marked last.
    init(capacity: Int = 4, make: @escaping () -> (batch: Batch, isLast: Bool)) {
        let thread = Thread { [self] in
            while true {
                let (batch, isLast) = make()
                condition.lock()
                while queue.count >= capacity && !cancelled { condition.wait() }
                if cancelled {
                    condition.unlock()
                    return
                }
                queue.append(batch)
                condition.broadcast()
                condition.unlock()
                if isLast { return }
            }
        }
        thread.start()
    }

    /// The next batch, waiting for it to be made. Call no more after the last.
    func take() -> Batch {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    /// Stops the background thread early (the taker gave up on the file).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
