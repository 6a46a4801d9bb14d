import Crypto
import Foundation
import Synchronization

/// Reads a file in large chunks, so a file of any size streams with flat memory. Its SHA-256
/// is computed meanwhile on a second thread, from a second handle on the same file, so the
/// hash costs the reading thread nothing.
final class ByteSource {
    let path: String
    let size: Int64
    private let handle: FileHandle
    /// The file's SHA-256 on its thread: `Sendable`, so the caller keeps it to wait for the
    /// hash while this source goes to a reading thread.
    let hashing: FileHashing
    private(set) var buffer: [UInt8] = []
    /// Index of the next unread byte in `buffer`.
    var position = 0
    private(set) var bytesRead: Int64 = 0
    private(set) var atEnd = false
    private let chunkSize: Int

    /// Reads `path`; messages name the file `name` (`<stdin>` for a copy of standard input).
    init(path: String, name: String? = nil, chunkSize: Int = 1 << 20) throws {
        self.path = name ?? path
        self.chunkSize = chunkSize
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw WarehouseError("\(path): no such file")
        }
        guard !isDirectory.boolValue else { throw WarehouseError("\(path): is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WarehouseError("\(path): cannot be read (permission denied?)")
        }
        self.handle = handle
        hashing = try FileHashing(path: path, chunkSize: chunkSize)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    deinit {
        try? handle.close()
        hashing.cancel()
    }

    /// Makes more bytes available, keeping the unread tail. Returns false at end of file.
    func refill() throws -> Bool {
        if atEnd { return false }
        let chunk = try handle.read(upToCount: chunkSize) ?? Data()
        if chunk.isEmpty {
            atEnd = true
            return false
        }
        bytesRead += Int64(chunk.count)
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: chunk)
        return true
    }

    /// The next byte without consuming it, refilling as needed; nil at end of file.
    @inline(__always)
    func peek() throws -> UInt8? {
        if position < buffer.count { return buffer[position] }
        return try refill() ? buffer[position] : nil
    }

    /// Skips a UTF-8 byte-order mark at the current position, if there is one.
    func skipByteOrderMark() throws {
        while buffer.count - position < 3, try refill() {}
        if buffer.count - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
            position += 3
        }
    }
}

/// Hashes a whole file on a thread of its own.
final class FileHashing: Sendable {
    private let outcome = Mutex<Result<String, Error>?>(nil)
    /// Signalled once, when `outcome` is set.
    private let finished = DispatchSemaphore(value: 0)
    private let cancelled = Atomic(false)

    init(path: String, chunkSize: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WarehouseError("\(path): cannot be read (permission denied?)")
        }
        let thread = Thread { [self] in
            var hasher = SHA256()
            let hashed: Result<String, Error>
            // Into one buffer, used again: `FileHandle.read` makes a new `Data` for every
            // chunk, and its pages are faulted in and copied into afresh each time.
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 1), alignment: 4096)
            defer { chunk.deallocate() }
            do {
                while !cancelled.load(ordering: .relaxed) {
                    let count = read(handle.fileDescriptor, chunk.baseAddress, chunk.count)
                    if count < 0 && errno == EINTR { continue }
                    guard count >= 0 else { throw WarehouseError("\(path): cannot be read: \(Paths.lastError)") }
                    if count == 0 { break }
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[..<count]))
                }
                hashed = .success(hasher.finalize().hex)
            } catch {
                hashed = .failure(error)
            }
            try? handle.close()
            outcome.withLock { $0 = hashed }
            finished.signal()
        }
        thread.start()
    }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    /// The SHA-256 of the whole file, waiting for the hashing thread.
    func result() throws -> String {
        while true {
            if let outcome = outcome.withLock({ $0 }) { return try outcome.get() }
            finished.wait()
        }
    }
}
