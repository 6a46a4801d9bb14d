import Foundation
import Synchronization

/// The temporary files (and export all's temporary folder) owl is writing, removed if the
/// process is stopped by SIGINT, SIGTERM or SIGHUP; and the ones a killed owl left behind,
/// removed by the next write of the same name into the same folder.
enum TemporaryFiles {
    /// The paths a signal handler can read without allocating or locking: a slot holds 0 or
    /// the address of a C string (`strdup`'s), set and cleared atomically, so any thread may
    /// register while the handler reads.
    private static let slots: InlineArray<64, Atomic<UInt>> = {
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                // Only async-signal-safe calls here: unlink the files, then remove the
                // folders they emptied (export all's), then die of the same signal.
                for index in TemporaryFiles.slots.indices {
                    if let path = TemporaryFiles.path(at: index) { unlink(path) }
                }
                for index in TemporaryFiles.slots.indices {
                    if let path = TemporaryFiles.path(at: index) { rmdir(path) }
                }
                Foundation.signal(signal, SIG_DFL)
                raise(signal)
            }
            sigaction(signal, &action, nil)
        }
        return InlineArray { _ in Atomic(0) }
    }()

    private static func path(at index: Int) -> UnsafeMutablePointer<CChar>? {
        UnsafeMutablePointer(bitPattern: slots[index].load(ordering: .acquiring))
    }

    static func register(_ path: String) {
        guard let copy = strdup(path) else { return }
        let address = UInt(bitPattern: copy)
        for index in slots.indices where slots[index].compareExchange(expected: 0, desired: address, ordering: .acquiringAndReleasing).exchanged {
            return
        }
        free(copy)  // all slots taken: the file is left to the next write's `removeStale`
    }

    static func unregister(_ path: String) {
        for index in slots.indices {
            guard let slot = self.path(at: index), String(cString: slot) == path else { continue }
            if slots[index].compareExchange(expected: UInt(bitPattern: slot), desired: 0, ordering: .acquiringAndReleasing).exchanged {
                free(slot)
            }
        }
    }

    /// The temporary name owl writes `name` under before renaming it into place.
    static func temporaryName(for name: String) -> String {
        ".\(name).owl-\(getpid())-\(UUID().uuidString.prefix(8)).tmp"
    }

    /// Removes `folder`'s temporary copies of `name` whose owl process is gone.
    static func removeStale(in folder: String, for name: String) {
        let prefix = ".\(name).owl-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(".tmp") {
            let rest = entry.dropFirst(prefix.count)
            guard let pid = Int32(rest.prefix { $0 != "-" }), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                let path = Paths.join(folder, entry)
                if let info = Paths.status(path), Paths.isDirectory(info) {
                    try? FileManager.default.removeItem(atPath: path)
                } else {
                    unlink(path)
                }
            }
        }
    }
}
