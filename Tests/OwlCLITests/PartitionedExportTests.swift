import Foundation
import Testing

/// The Python with DuckDB that `.ci/run` installs (`.build/duckdb-venv`), for reading a
/// partitioned export back the way another engine would.
private let duckDBPython = ProcessInfo.processInfo.environment["OWL_DUCKDB_PYTHON"]
private let onCI = ProcessInfo.processInfo.environment["CI"] == "true"

/// End-to-end tests of `owl export observations --partition-by`.
@Suite struct PartitionedExportTests {
    /// The awkward data's 16 observations by metric and month, counted by hand from
    /// `AwkwardExportData.observations`.
    static let awkwardParts: [String: Int] = [
        "metric=dl_7d/month=2020-01/part-0.csv": 1,
        "metric=dl_7d/month=2024-03/part-0.csv": 1,
        "metric=huge/month=2020-01/part-0.csv": 3,
        "metric=huge/month=2023-07/part-0.csv": 3,
        "metric=huge/month=2025-02/part-0.csv": 1,
        "metric=likes/month=2020-01/part-0.csv": 1,
        "metric=likes/month=2024-03/part-0.csv": 2,
        "metric=likes/month=2025-03/part-0.csv": 1,
        "metric=likes/month=2025-11/part-0.csv": 1,
        "metric=loss/month=2025-02/part-0.csv": 1,
        "metric=loss/month=2025-11/part-0.csv": 1,
    ]

    func awkwardBox() throws -> Sandbox {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        return box
    }

    func manifest(_ box: Sandbox, _ folder: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: box.folder.appending(path: "\(folder)/_manifest.json"))) as! [String: Any]
    }

    /// Every regular file under `folder`, relative to it.
    func files(_ box: Sandbox, _ folder: String) throws -> Set<String> {
        let root = box.folder.appending(path: folder).path
        let enumerator = FileManager.default.enumerator(atPath: root)!
        var found: Set<String> = []
        while let entry = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + entry, isDirectory: &isDirectory), !isDirectory.boolValue { found.insert(entry) }
        }
        return found
    }

    @Test func metricAndMonthMakeOneFolderLevelEachWithThePartitionColumnsOutOfTheFiles() throws {
        let box = try awkwardBox()
        let run = try box.exportOK(["export", "observations", "--db", "a.sqlite", "--partition-by", "metric,month", "--output", "lake"])
        #expect(run.stderr.contains("lake: 16 rows in 11 parts"), "\(run.stderr)")
        #expect(try files(box, "lake") == Set(Self.awkwardParts.keys).union(["_manifest.json"]))
        for (part, rows) in Self.awkwardParts {
            let records = parseCSV(try box.read("lake/\(part)"))
            #expect(records.first == ["model", "observed_on", "value", "source"], "\(part): \(records.first ?? [])")
            #expect(records.count - 1 == rows, "\(part) has \(records.count - 1) rows, not \(rows)")
        }
        // The folder names carry the values: every row of huge/2023-07 is zurich/tiny's in July 2023.
        let july = exportedRecords(try box.read("lake/metric=huge/month=2023-07/part-0.csv"))
        #expect(july.map { $0["observed_on"]! } == ["2023-07-01", "2023-07-02", "2023-07-03"])
        #expect(Set(july.map { $0["model"]! }) == ["zurich/tiny"])
    }

    @Test func theManifestListsEveryPartWithItsRowsSizeAndSHA256() throws {
        let box = try awkwardBox()
        try box.exportOK(["export", "observations", "--db", "a.sqlite", "--partition-by", "metric,month", "--output", "lake"])
        let manifest = try manifest(box, "lake")
        #expect(manifest["rows"] as? Int == 16)
        #expect(manifest["format"] as? String == "csv")
        #expect(manifest["partition_by"] as? [String] == ["metric", "month"])
        let columns = (manifest["columns"] as! [[String: Any]]).map { "\($0["name"]!):\($0["type"]!)" }
        #expect(columns == ["model:string", "observed_on:date", "value:double", "source:string"])
        let partitionColumns = (manifest["partition_columns"] as! [[String: Any]]).map { "\($0["name"]!):\($0["type"]!)" }
        #expect(partitionColumns == ["metric:string", "month:string"])
        let parts = manifest["parts"] as! [[String: Any]]
        #expect(Dictionary(uniqueKeysWithValues: parts.map { ($0["path"] as! String, $0["rows"] as! Int) }) == Self.awkwardParts)
        for part in parts {
            let path = box.path("lake/" + (part["path"] as! String))
            #expect(part["sha256"] as? String == (try sha256sum(path)), "\(path)")
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
            #expect(part["bytes"] as? Int == size, "\(path)")
        }
    }

    @Test func monthAloneInJSONLinesKeepsTheMetricInTheRecords() throws {
        let box = try awkwardBox()
        try box.exportOK(["export", "observations", "--db", "a.sqlite", "--partition-by", "month", "--format", "jsonl", "--output", "lake"])
        let expected = ["month=2020-01/part-0.jsonl": 5, "month=2023-07/part-0.jsonl": 3, "month=2024-03/part-0.jsonl": 3,
                        "month=2025-02/part-0.jsonl": 2, "month=2025-03/part-0.jsonl": 1, "month=2025-11/part-0.jsonl": 2]
        #expect(try files(box, "lake") == Set(expected.keys).union(["_manifest.json"]))
        for (part, rows) in expected {
            let lines = try box.read("lake/\(part)").split(separator: "\n")
            #expect(lines.count == rows, "\(part)")
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                #expect(Set(object.keys) == ["model", "metric", "observed_on", "value", "source"], "\(line)")
            }
        }
        #expect(try manifest(box, "lake")["rows"] as? Int == 16)
    }

    @Test func filtersNarrowThePartitions() throws {
        let box = try awkwardBox()
        try box.exportOK(["export", "observations", "--db", "a.sqlite", "--partition-by", "metric", "--output", "hackers",
                          "--organization", "hackers", "--from", "2020-01-09"])
        // hackers/minimal's observations on or after 2020-01-09: two of metric huge.
        #expect(try files(box, "hackers") == ["metric=huge/part-0.csv", "_manifest.json"])
        #expect(exportedRecords(try box.read("hackers/metric=huge/part-0.csv")).map { $0["value"]! } == ["999999999999999", "1000000000000000"])
        let manifest = try manifest(box, "hackers")
        #expect(manifest["filter"] as? [String: String] == ["organization": "hackers", "from": "2020-01-09"])
        #expect(manifest["rows"] as? Int == 2)
    }

    @Test func aForeignFolderIsRefusedAndAnExportReplacedOnlyWithForce() throws {
        let box = try awkwardBox()
        try box.write("mine/notes.txt", "precious\n")
        let foreign = try box.run(["export", "observations", "--db", "a.sqlite", "--partition-by", "month", "--output", "mine", "--force"])
        #expect(foreign.status == 1)
        #expect(foreign.stderr.contains("notes.txt"), "\(foreign.stderr)")
        #expect(try files(box, "mine") == ["notes.txt"])
        #expect(try box.read("mine/notes.txt") == "precious\n")
        // Folders named like partitions are someone else's too when no manifest says owl wrote them.
        try box.write("theirs/month=2020-01/data.csv", "precious\n")
        let lookalike = try box.run(["export", "observations", "--db", "a.sqlite", "--partition-by", "month", "--output", "theirs", "--force"])
        #expect(lookalike.status == 1)
        #expect(lookalike.stderr.contains("month=2020-01"), "\(lookalike.stderr)")
        #expect(try files(box, "theirs") == ["month=2020-01/data.csv"])

        try box.exportOK(["export", "observations", "--db", "a.sqlite", "--partition-by", "metric,month", "--output", "lake"])
        let again = try box.run(["export", "observations", "--db", "a.sqlite", "--partition-by", "month", "--output", "lake"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try files(box, "lake").count == 12)
        // Replaced as a whole: no metric= folder of the old export is left beside the months.
        try box.exportOK(["export", "observations", "--db", "a.sqlite", "--partition-by", "month", "--output", "lake", "--force"])
        #expect(try files(box, "lake").count == 7)
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("lake")).allSatisfy { $0 == "_manifest.json" || $0.hasPrefix("month=") })
        #expect(try box.temporaryFiles().isEmpty)
    }

    @Test(arguments: [
        ["export", "models", "--partition-by", "month", "--output", "lake"],
        ["export", "observations", "--partition-by", "month"],
        ["export", "observations", "--partition-by", "month", "--output", "lake", "--format", "json"],
        ["export", "observations", "--partition-by", "year", "--output", "lake"],
        ["export", "observations", "--partition-by", "month", "--output", "lake", "--chart"],
    ])
    func aWrongCommandLineExitsTwoAndWritesNothing(arguments: [String]) throws {
        let box = try awkwardBox()
        let run = try box.run(arguments + ["--db", "a.sqlite"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(!box.exists("lake"))
    }

    @Test(.enabled(if: duckDBPython != nil || onCI, "DuckDB is installed by .ci/run (OWL_DUCKDB_PYTHON)"))
    func duckDBReadsTheLayoutAsOneTableWithOwlsCountsAndSums() throws {
        guard let python = duckDBPython, FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("CI=true but OWL_DUCKDB_PYTHON (\(duckDBPython ?? "unset")) is no Python; .ci/run installs DuckDB into .build/duckdb-venv")
            return
        }
        let box = try Sandbox()
        try box.ingestFresh("s.sqlite", packageRoot.appending(path: "Seeds").path)
        try box.exportOK(["export", "observations", "--db", "s.sqlite", "--partition-by", "metric,month", "--output", "lake"])
        let script = """
            import duckdb, sys
            rows = duckdb.sql("SELECT metric, month, count(*), sum(value) FROM read_csv('lake/**/*.csv', hive_partitioning=true) "
                              "GROUP BY metric, month ORDER BY metric, month").fetchall()
            for metric, month, count, total in rows:
                print(metric, month, count, repr(total), sep="\\t")
            """
        let run = try runProcess(URL(fileURLWithPath: python), ["-c", script], in: box.folder)
        #expect(run.status == 0, "\(run.stderr)")
        let duck = run.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let owl = try box.exportRows("s.sqlite", """
            SELECT mt.id, substr(date(o.observed_day * 86400, 'unixepoch'), 1, 7), count(*), sum(o.value)
            FROM observations AS o JOIN metrics AS mt ON mt.key = o.metric
            GROUP BY 1, 2 ORDER BY 1, 2
            """)
        #expect(duck.count == owl.count, "DuckDB sees \(duck.count) partitions, owl \(owl.count)")
        #expect(owl.count > 5, "the seeds have observations of several metrics and months")
        for (d, o) in zip(duck, owl) {
            #expect(d[0] == o[0].textValue && d[1] == o[1].textValue, "partition \(d) vs \(o)")
            #expect(Int(d[2]) == Int(o[2].integerValue ?? -1), "\(d[0]) \(d[1]): DuckDB counts \(d[2]), owl \(o[2])")
            let duckSum = Double(d[3])!, owlSum = o[3].doubleValue!
            #expect(abs(duckSum - owlSum) <= 1e-12 * max(1, abs(owlSum)), "\(d[0]) \(d[1]): DuckDB sums \(duckSum), owl \(owlSum)")
        }
    }
}
