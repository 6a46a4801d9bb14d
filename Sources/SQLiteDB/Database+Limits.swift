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
            connection.deadline = nil
            return
        }
        let box = Deadline(nanoseconds: DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9))
        connection.deadline = box
        // Checked every 10,000 virtual machine instructions: well under a millisecond.
        sqlite3_progress_handler(handle, 10_000, { context in
            guard let context else { return 0 }
            let deadline = Unmanaged<Deadline>.fromOpaque(context).takeUnretainedValue()
            return DispatchTime.now().uptimeNanoseconds > deadline.nanoseconds ? 1 : 0
        }, Unmanaged.passUnretained(box).toOpaque())
    }
}

/// The moment a connection's statements stop, kept alive by the connection (`Connection`).
final class Deadline {
    let nanoseconds: UInt64
    init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }
}

extension Database {
    /// Waits up to `milliseconds` for a lock held by another connection, then fails with
    /// SQLITE_BUSY (replacing `waitWhenBusy`).
    public func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
        connection.busyWaiter = nil
    }

    /// Replaces the busy timeout: when another connection holds the lock this one needs, calls
    /// `onFirstWait` once, then waits for it, without a limit or up to `seconds`; after that
    /// the statement fails with SQLITE_BUSY.
    public func waitWhenBusy(upTo seconds: Double?, onFirstWait: @escaping () -> Void) {
        let waiter = BusyWaiter(seconds: seconds, onFirstWait: onFirstWait)
        connection.busyWaiter = waiter
        sqlite3_busy_handler(handle, { context, attempt in
            guard let context else { return 0 }
            let waiter = Unmanaged<BusyWaiter>.fromOpaque(context).takeUnretainedValue()
            return waiter.keepWaiting(attempt: attempt) ? 1 : 0
        }, Unmanaged.passUnretained(waiter).toOpaque())
    }
}

/// The state of `waitWhenBusy`, kept alive by the connection (`Connection`). The limit counts from the
/// first attempt of each wait.
final class BusyWaiter {
    private let seconds: Double?
    private let onFirstWait: () -> Void
    private var warned = false
    private var waitingSince: UInt64 = 0

    init(seconds: Double?, onFirstWait: @escaping () -> Void) {
        self.seconds = seconds
        self.onFirstWait = onFirstWait
    }

    func keepWaiting(attempt: Int32) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        if attempt == 0 { waitingSince = now }
        if let seconds, Double(now - waitingSince) / 1e9 >= seconds { return false }
        if !warned {
            warned = true
            onFirstWait()
        }
        usleep(20_000)
        return true
    }
}
