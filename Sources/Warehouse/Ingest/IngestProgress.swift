/// Progress of the file being loaded, for a progress bar.
public struct IngestProgress: Sendable {
    public let file: IngestFile
    public let bytesRead: Int64
    public let bytesTotal: Int64
    public let rows: Int
    public let seconds: Double
}
