import CSQLite
import Foundation

/// Bounds on what a statement may take: time, through the progress handler, and memory,
/// through the hard heap limit.
extension Database {
    /// Caps the memory all of SQLite may allocate in this process; an allocation beyond it
    /// fails the statement with SQLITE_NOMEM. Must be called before the first connection
    /// opens (memory statistics, which the limit needs, can only be turned on before).
    public static func limitHeap(toBytes bytes: Int64) {
        _ = owl_sqlite3_enable_memory_statistics()
        sqlite3_hard_heap_limit64(bytes)
    }

    /// Makes every statement on this connection stop with SQLITE_INTERRUPT once `seconds`
    /// have passed from now; nil removes the limit.
    public func interrupt(after seconds: Double?) {
        guard let seconds else {
            sqlite3_progress_handler(handle, 0, nil, nil)
            deadline = nil
            return
        }
        let box = Deadline(nanoseconds: DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9))
        deadline = box
        // Checked every 10,000 virtual machine instructions: well under a millisecond.
        sqlite3_progress_handler(handle, 10_000, { context in
            let deadline = Unmanaged<Deadline>.fromOpaque(context!).takeUnretainedValue()
            return DispatchTime.now().uptimeNanoseconds > deadline.nanoseconds ? 1 : 0
        }, Unmanaged.passUnretained(box).toOpaque())
    }
}

/// The moment a connection's statements stop, kept alive by the connection.
final class Deadline {
    let nanoseconds: UInt64
    init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }
}
