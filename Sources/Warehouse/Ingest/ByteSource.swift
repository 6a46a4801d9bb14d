import Crypto
import Foundation

/// Reads a file in large chunks, so a file of any size streams with flat memory. Its SHA-256
/// is computed meanwhile on a second thread, from a second handle on the same file, so the
/// hash costs the reading thread nothing.
final class ByteSource {
    let path: String
    let size: Int64
    private let handle: FileHandle
    private let hashing: FileHashing
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

    /// The SHA-256 of the whole file (waits for the hashing thread).
    func finishHash() throws -> String {
        try hashing.result()
    }
}

/// Hashes a whole file on a thread of its own.
final class FileHashing {
    private let lock = NSCondition()
    private var digest: String?
    private var failure: Error?
    private var cancelled = false

    init(path: String, chunkSize: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WarehouseError("\(path): cannot be read (permission denied?)")
        }
        let thread = Thread { [self] in
            var hasher = SHA256()
            var outcome: Result<String, Error>
            do {
                while let chunk = try handle.read(upToCount: max(chunkSize, 1)), !chunk.isEmpty {
                    if isCancelled { break }
                    hasher.update(data: chunk)
                }
                outcome = .success(hasher.finalize().hex)
            } catch {
                outcome = .failure(error)
            }
            try? handle.close()
            lock.lock()
            switch outcome {
            case .success(let hex): digest = hex
            case .failure(let error): failure = error
            }
            lock.broadcast()
            lock.unlock()
        }
        thread.start()
    }

    private var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    func result() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let failure { throw failure }
            if let digest { return digest }
            lock.wait()
        }
    }
}
