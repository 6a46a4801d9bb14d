import Foundation

/// A file to load, the entity it holds and the format it is written in.
public struct IngestFile: Sendable, Equatable {
    /// The path as given, which messages, batches and rejects record (`<stdin>` for `-`).
    public let path: String
    /// Where the bytes are read: the path itself, or a copy of a stream (standard input, a
    /// pipe), which `removeCopy()` deletes after the load.
    public let readPath: String
    /// nil for formats whose rows map into several entities (hf-models, epoch).
    public let entity: Entity?
    public let format: SourceFormat

    public init(path: String, readPath: String? = nil, entity: Entity?, format: SourceFormat) {
        self.path = path
        self.readPath = readPath ?? path
        self.entity = entity
        self.format = format
    }

    /// Deletes the copy of a stream; a file read in place is left alone.
    public func removeCopy() {
        if readPath != path { try? FileManager.default.removeItem(atPath: readPath) }
    }

    /// How the summary names what the file holds.
    public var describedEntity: String { entity?.rawValue ?? format.rawValue }
}
