import CSQLite

/// The sqlite3 handle, and the state its callbacks read, shared by a `Database` and every
/// `Statement` prepared on it. It closes when the last of them is gone, so a statement that
/// outlives its `Database` still runs, and a callback never reads freed state.
final class Connection {
    let handle: OpaquePointer
    /// The progress handler's deadline (see `Database.interrupt(after:)`).
    var deadline: Deadline?
    /// The busy handler's state (see `Database.waitWhenBusy(upTo:onFirstWait:)`).
    var busyWaiter: BusyWaiter?
    /// Set by the authorizer (see `Database.refuseAttachAndPragmaWrites()`) when it refuses
    /// an action; reset before each prepare, read when one fails.
    var authorizerRefused = false

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { sqlite3_close_v2(handle) }
}
