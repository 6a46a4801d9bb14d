import Crypto
import Foundation
import SQLiteDB

/// How `owl export observations --partition-by` splits the rows into folders.
public enum Partitioning: String, CaseIterable, Sendable {
    case month
    case metric
    case metricMonth = "metric,month"

    /// The partition columns, outermost folder first.
    public var columns: [String] {
        switch self {
        case .month: ["month"]
        case .metric: ["metric"]
        case .metricMonth: ["metric", "month"]
        }
    }
}

/// What `_manifest.json` says about a partitioned export: enough for a reader to check that
/// it has every part whole, and to know the columns without opening one.
public struct PartitionManifest: Codable, Sendable {
    public struct Column: Codable, Sendable {
        public var name: String
        public var type: String
        public var description: String
    }
    public struct Part: Codable, Sendable {
        /// Relative to the export's folder, e.g. `metric=hf_likes/month=2025-01/part-0.csv`.
        public var path: String
        public var rows: Int
        public var bytes: Int
        public var sha256: String
    }
    public var format: String
    public var partitionBy: [String]
    /// The columns of every part file, in their order.
    public var columns: [Column]
    /// The columns carried by the folder names (`name=value`), not by the part files.
    public var partitionColumns: [Column]
    /// The filters the export was narrowed by, as given on the command line.
    public var filter: [String: String]
    public var rows: Int
    public var parts: [Part]

    enum CodingKeys: String, CodingKey {
        case format, columns, filter, rows, parts
        case partitionBy = "partition_by"
        case partitionColumns = "partition_columns"
    }
}

extension Exporter {
    /// The manifest's name in a partitioned export's folder.
    public static let manifestName = "_manifest.json"

    /// Every column a partitioned export knows, in the observations' interchange order.
    static let observationColumns: [PartitionManifest.Column] = [
        .init(name: "model", type: "string", description: "the model's id"),
        .init(name: "metric", type: "string", description: "the metric's id"),
        .init(name: "observed_on", type: "date", description: "the day observed, YYYY-MM-DD"),
        .init(name: "value", type: "double", description: "the value observed"),
        .init(name: "source", type: "string", description: "where the value came from; empty when unknown"),
        .init(name: "month", type: "string", description: "the month of observed_on, YYYY-MM"),
    ]

    static func observationColumn(_ name: String) -> PartitionManifest.Column {
        observationColumns.first { $0.name == name }!
    }

    /// Writes the observations as Hive-style partitions, DIR/metric=ID/month=YYYY-MM/part-0.EXT
    /// (the levels `partitioning` names), with `_manifest.json` listing each part's rows and
    /// SHA-256 and the schema. The rows are read in one snapshot and the folder is replaced as
    /// a whole, as `exportAll` does; a folder holding anything but such an export is refused.
    public static func exportPartitioned(from db: Database, to folder: String, by partitioning: Partitioning, format: OutputFormat,
                                         filter: ExportFilter = ExportFilter(), overwrite: Bool) throws -> PartitionManifest {
        guard format == .csv || format == .jsonl else {
            throw ExportError.notPartitionFormat(format)
        }
        let filter = try filter.checked()
        let (sql, values) = try query(for: .observations, filter: filter, partitioning: partitioning)
        let partitionNames = partitioning.columns
        // Metric ids are [a-z0-9._-] and months YYYY-MM (the schema's checks), so a value needs
        // no escaping in a folder name. Partition folders are owl's only beside owl's manifest
        // (an export always writes one), and any partitioning's may be replaced by another's.
        let hasManifest = Paths.status(Paths.join(Paths.trimmingTrailingSlashes(folder), manifestName)).map(Paths.isRegularFile) ?? false
        let ownFolder: (String) -> Bool = { entry in hasManifest && (entry.hasPrefix("metric=") || entry.hasPrefix("month=")) }
        return try replacingFolder(folder, overwrite: overwrite, ownFiles: [manifestName], ownFolder: ownFolder,
                                   kind: "an owl partitioned export", command: "a partitioned export") { temporary in
            let statement = try prepare(sql, values, on: db)
            let names = statement.columnNames
            let partitionIndices = try partitionNames.map { name in
                guard let index = names.firstIndex(of: name) else {
                    throw WarehouseError("the export query returned no column \(name) to partition by (columns: \(names.joined(separator: ", ")))")
                }
                return Int32(index)
            }
            let fileIndices = names.indices.filter { !partitionNames.contains(names[$0]) }.map(Int32.init)
            var parts: [PartitionManifest.Part] = []
            /// The part file being written: the rows of one partition key.
            typealias OpenPart = (key: [String], path: String, sink: OutputSink, formatter: RowFormatter, rows: Int)
            var current: OpenPart?

            func finishPart() throws {
                guard let part = current else { return }
                try part.formatter.finish()  // commits the sink
                let (bytes, sha256) = try fileDigest(Paths.join(temporary, part.path), shown: Paths.join(folder, part.path))
                parts.append(.init(path: part.path, rows: part.rows, bytes: bytes, sha256: sha256))
                current = nil
            }

            try db.readTransaction {
                while try statement.step() {
                    let key = partitionIndices.map { statement.value(at: $0).textValue ?? "" }
                    var part: OpenPart
                    if let open = current, open.key == key {
                        part = open
                    } else {
                        try finishPart()
                        let subfolder = zip(partitionNames, key).map { "\($0)=\($1)" }.joined(separator: "/")
                        try FileManager.default.createDirectory(atPath: Paths.join(temporary, subfolder), withIntermediateDirectories: true)
                        let path = subfolder + "/part-0." + format.rawValue
                        let sink = try OutputSink(path: Paths.join(temporary, path), overwrite: false, shownAs: Paths.join(folder, path))
                        let formatter = RowFormatter(format: format, columns: fileIndices.map { names[Int($0)] }, sink: sink)
                        part = (key, path, sink, formatter, 0)
                    }
                    part.formatter.writeCurrentRow(of: statement, columns: fileIndices)
                    try part.sink.checkWritten()
                    part.rows += 1
                    current = part
                }
                statement.reset()
                try finishPart()
            }
            var given: [String: String] = [:]
            given["organization"] = filter.organization
            given["country"] = filter.country
            given["from"] = filter.from
            given["to"] = filter.to
            let manifest = PartitionManifest(
                format: format.rawValue, partitionBy: partitionNames,
                columns: fileIndices.map { observationColumn(names[Int($0)]) },
                partitionColumns: partitionNames.map(observationColumn),
                filter: given, rows: parts.reduce(0) { $0 + $1.rows }, parts: parts)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let sink = try OutputSink(path: Paths.join(temporary, manifestName), overwrite: false, shownAs: Paths.join(folder, manifestName))
            sink.write(String(decoding: try encoder.encode(manifest), as: UTF8.self) + "\n")
            try sink.commit()
            return manifest
        }
    }

    /// A written file's size and SHA-256, read back in blocks.
    private static func fileDigest(_ path: String, shown: String) throws -> (bytes: Int, sha256: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw WarehouseError("\(shown): cannot read it back to hash it") }
        defer { try? handle.close() }
        var hasher = SHA256(), bytes = 0
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            hasher.update(data: block)
            bytes += block.count
        }
        return (bytes, hasher.finalize().hex)
    }
}
