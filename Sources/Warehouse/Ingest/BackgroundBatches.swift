import Foundation
import Synchronization

/// Batches made on a thread of their own and taken in order through a small bounded queue,
/// so the maker runs ahead of the taker by at most `capacity` batches (memory stays flat).
/// The batches are `Sendable` and the maker is handed over whole (`sending`), so the
/// compiler holds that the two threads share nothing but the queue, and that under its lock.
final class BackgroundBatches<Batch: Sendable>: Sendable {
    private struct Queue {
        var batches: [Batch] = []
        var cancelled = false
    }

    private let queue = Mutex(Queue())
    /// Places free in the queue (the maker waits for one) and batches in it (the taker waits).
    private let space = DispatchSemaphore(value: 0)
    private let made = DispatchSemaphore(value: 0)
    /// Called only on the background thread; the lock makes the non-`Sendable` closure (it
    /// holds the reader) a `Sendable` thing to keep, and is never contended.
    private let make: Mutex<() -> (batch: Batch, isLast: Bool)>

    /// `make` runs on the background thread until it returns a batch marked last.
    init(capacity: Int = 4, make: sending @escaping () -> (batch: Batch, isLast: Bool)) {
        self.make = Mutex(make)
        // Counted up rather than made with `value: capacity`: libdispatch stops the process
        // if a semaphore is freed holding less than its starting value (batches left queued).
        for _ in 0..<capacity { space.signal() }
        let thread = Thread { [self] in
            while true {
                let (batch, isLast) = self.make.withLock { make in make() }
                space.wait()
                let cancelled = queue.withLock { queue in
                    if !queue.cancelled { queue.batches.append(batch) }
                    return queue.cancelled
                }
                if cancelled { return }
                made.signal()
                if isLast { return }
            }
        }
        thread.start()
    }

    /// The next batch, waiting for it to be made. Call no more after the last.
    func take() -> Batch {
        made.wait()
        let batch = queue.withLock { queue in queue.batches.removeFirst() }
        space.signal()
        return batch
    }

    /// Stops the background thread early (the taker gave up on the file).
    func cancel() {
        queue.withLock { queue in queue.cancelled = true }
        space.signal()  // wakes the maker if it waits for a place
    }
}
