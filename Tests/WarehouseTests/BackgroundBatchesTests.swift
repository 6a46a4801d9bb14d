import Foundation
import Synchronization
import Testing
@testable import Warehouse

/// The queue between ingest's reading thread and its writing thread.
@Suite struct BackgroundBatchesTests {
    /// How many batches the maker has made, seen from both threads.
    final class Count: Sendable {
        let made = Atomic(0)
    }

    @Test func batchesArriveInTheOrderTheyWereMadeAndTheLastEndsThem() {
        var next = 0
        let batches = BackgroundBatches(capacity: 3) {
            next += 1
            return (batch: next, isLast: next == 50)
        }
        let taken = (1...50).map { _ in batches.take() }
        #expect(taken == Array(1...50))
    }

    @Test func theMakerRunsAheadByNoMoreThanTheCapacity() throws {
        let count = Count()
        let batches = BackgroundBatches(capacity: 2) {
            let made = count.made.add(1, ordering: .relaxed).newValue
            return (batch: made, isLast: made == 1_000)
        }
        defer { batches.cancel() }
        // Nothing taken: two batches queued and a third made, waiting for a place, at most.
        Thread.sleep(forTimeInterval: 0.3)
        #expect(count.made.load(ordering: .relaxed) <= 3)
        #expect(batches.take() == 1)
        #expect(batches.take() == 2)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(count.made.load(ordering: .relaxed) <= 5)
    }
}
