import Foundation

/// Reads a file in large chunks, hashing every byte as it passes, so a file of any size
/// streams with flat memory and its SHA-256 is known when the last row is read.
final class ByteSource {
    let path: String
    let size: Int64
    private let handle: FileHandle
    private var hasher = SHA256()
    private(set) var buffer: [UInt8] = []
    /// Index of the next unread byte in `buffer`.
    var position = 0
    private(set) var bytesRead: Int64 = 0
    private(set) var atEnd = false
    private let chunkSize: Int

    init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
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
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    deinit { try? handle.close() }

    /// Makes more bytes available, keeping the unread tail. Returns false at end of file.
    func refill() throws -> Bool {
        if atEnd { return false }
        let chunk = try handle.read(upToCount: chunkSize) ?? Data()
        if chunk.isEmpty {
            atEnd = true
            return false
        }
        chunk.withUnsafeBytes { hasher.update($0) }
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

    /// The SHA-256 of the whole file; reads what is left unread first.
    func finishHash() throws -> String {
        while try refill() { position = buffer.count }
        return hasher.finalizeHex()
    }
}
