import Foundation

/// A buffered byte sink: standard output, or a file written safely — to a temporary file in
/// the same folder, renamed into place only when complete, so a failure leaves no partial file.
public final class OutputSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let temporaryPath: String?
    private let finalPath: String?

    /// Standard output.
    public init() {
        handle = FileHandle.standardOutput
        temporaryPath = nil
        finalPath = nil
        buffer.reserveCapacity(1 << 16)
    }

    /// A file at `path`; refuses to replace an existing one unless `overwrite`.
    public init(path: String, overwrite: Bool) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw WarehouseError("\(path) is a directory") }
            if !overwrite { throw WarehouseError("\(path) already exists; give --force to replace it") }
        }
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(name).owl-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8)).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw WarehouseError("\(path): cannot write here (\(folder.isEmpty ? "." : folder) is missing or not writable)")
        }
        self.handle = handle
        temporaryPath = temporary
        finalPath = path
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        // Not committed: remove the temporary file.
        if let temporaryPath, FileManager.default.fileExists(atPath: temporaryPath) {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporaryPath)
        }
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

    public func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, and for a file renames the temporary file into place.
    public func commit() throws {
        flush()
        guard let temporaryPath, let finalPath else { return }
        try handle.synchronize()
        try handle.close()
        if rename(temporaryPath, finalPath) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw WarehouseError("\(finalPath): cannot move the finished file into place: \(reason)")
        }
    }
}
