import Foundation

/// The temporary files (and export all's temporary folder) owl is writing, removed if the
/// process is stopped by SIGINT, SIGTERM or SIGHUP; and the ones a killed owl left behind,
/// removed by the next write of the same name into the same folder.
enum TemporaryFiles {
    private static let capacity = 64
    /// C strings a signal handler can read without allocating: a slot is nil or a path.
    private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                // Only async-signal-safe calls here: unlink the files, then remove the
                // folders they emptied (export all's), then die of the same signal.
                for index in 0..<TemporaryFiles.capacity {
                    if let path = TemporaryFiles.slots[index] { unlink(path) }
                }
                for index in 0..<TemporaryFiles.capacity {
                    if let path = TemporaryFiles.slots[index] { rmdir(path) }
                }
                Foundation.signal(signal, SIG_DFL)
                raise(signal)
            }
            sigaction(signal, &action, nil)
        }
        return slots
    }()

    static func register(_ path: String) {
        for index in 0..<capacity where slots[index] == nil {
            slots[index] = strdup(path)
            return
        }
    }

    static func unregister(_ path: String) {
        for index in 0..<capacity {
            if let slot = slots[index], String(cString: slot) == path {
                slots[index] = nil
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
