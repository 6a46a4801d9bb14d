import Foundation

/// A buffered byte sink: standard output, or a file written safely — to a temporary file in
/// the same folder, renamed into place only when complete, so a failure leaves no partial file
/// and the file it would replace untouched.
///
/// Writes go straight to the file descriptor: the first failure (a full disk, a closed pipe)
/// is kept, later writes are dropped, and `checkWritten()` or `commit()` throw it.
public final class OutputSink {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let temporaryPath: String?
    /// The file the output replaces; for a symbolic link, the file it points to.
    private let finalPath: String?
    /// The path as given, for messages.
    private let shownPath: String
    private var failure: String?
    private var closed = false

    /// Standard output.
    public init() {
        descriptor = STDOUT_FILENO
        temporaryPath = nil
        finalPath = nil
        shownPath = "standard output"
        buffer.reserveCapacity(1 << 16)
    }

    /// A file at `path`; refuses to replace an existing one unless `overwrite`, and anything
    /// that is not a regular file. A symbolic link is followed: its target is replaced.
    /// Messages name the file `shownAs` (by default `path`).
    public init(path: String, overwrite: Bool, shownAs: String? = nil) throws {
        shownPath = shownAs ?? path
        if path.hasSuffix("/") { throw WarehouseError("\(path): names a folder; give a file name, e.g. \(path)out.csv") }
        var target = path
        if let info = Paths.status(path), Paths.isSymbolicLink(info) {
            guard let resolved = realpath(path, nil) else {
                throw WarehouseError("\(path): a symbolic link to a file that cannot be reached (\(Paths.lastError))")
            }
            target = String(cString: resolved)
            free(resolved)
        }
        if let info = Paths.status(target) {
            if Paths.isDirectory(info) { throw WarehouseError("\(path) is a directory") }
            guard Paths.isRegularFile(info) else {
                throw WarehouseError("\(path) is not a regular file (a device, pipe or socket); owl replaces only regular files")
            }
            if !overwrite { throw WarehouseError("\(path) already exists; give --force to replace it") }
        }
        let folder = Paths.folder(of: target)
        let name = Paths.name(of: target)
        TemporaryFiles.removeStale(in: folder, for: name)
        let temporary = Paths.join(folder, TemporaryFiles.temporaryName(for: name))
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw WarehouseError("\(path): cannot write in \(folder) (\(Paths.lastError))")
        }
        TemporaryFiles.register(temporary)
        self.descriptor = descriptor
        temporaryPath = temporary
        finalPath = target
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        // Not committed: remove the temporary file.
        if let temporaryPath, !closed { discard(temporaryPath) }
    }

    private func discard(_ temporaryPath: String) {
        if !closed { close(descriptor) }
        closed = true
        unlink(temporaryPath)
        TemporaryFiles.unregister(temporaryPath)
    }

    @inline(__always)
    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        buffer.append(byte)
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// Decimal digits without building a String.
    func append(_ value: Int64) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Ends a row: flushes once the buffer is large.
    @inline(__always)
    func endRow() {
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes the buffer out; a failure is kept for `checkWritten()` and `commit()`.
    public func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !buffer.isEmpty, failure == nil else { return }
        buffer.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }  // never: the buffer is not empty
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = Paths.lastError
                    return
                }
                offset += written
            }
        }
    }

    /// Throws the first write failure, if any: lets a long result stop at once.
    public func checkWritten() throws {
        guard let failure else { return }
        if let temporaryPath { discard(temporaryPath) }
        let kept = finalPath.map { FileManager.default.fileExists(atPath: $0) ? "; \(shownPath) is unchanged" : "" } ?? ""
        throw WarehouseError("\(shownPath): cannot write: \(failure)\(kept)")
    }

    /// Flushes, and for a file syncs it and renames the temporary file into place.
    public func commit() throws {
        flush()
        try checkWritten()
        guard let temporaryPath, let finalPath else { return }
        if fsync(descriptor) != 0 { failure = Paths.lastError }
        try checkWritten()
        closed = true
        if close(descriptor) != 0 {
            failure = Paths.lastError
            try checkWritten()
        }
        if rename(temporaryPath, finalPath) != 0 {
            let reason = Paths.lastError
            discard(temporaryPath)
            throw WarehouseError("\(shownPath): cannot move the finished file into place: \(reason)")
        }
        TemporaryFiles.unregister(temporaryPath)
    }
}
