import Foundation
import SQLiteDB
import Testing

// MARK: Fixture: a data set of awkward values in the interchange format.

/// Every awkward value the interchange format allows: commas, quotes, line breaks and tabs in
/// text, non-ASCII, empty optional fields, extreme numbers, every enumeration value.
enum AwkwardExportData {
    static let organizations = #"""
        id,name,country,kind,hf_namespaces,url
        acme,"Acme, Inc. ""The Best""",US,company,acme;acme-labs,https://acme.example/?a=1&b=2
        zurich-uni,Universität Zürich,CH,academic,,
        qwen-lab,通义千问实验室,CN,company,Qwen,https://qwen.ai
        open-collective,Open Collective 🦉,ZZ,nonprofit,,
        hackers,"Hackers
        United",DE,community,hackers-hub,
        gov-lab,Government | AI Lab,FR,government,,https://gov.example

        """#
    static let releases = #"""
        id,organization,name,released_on,url
        acme-1,acme,"Acme ""One"", first",2024-02-29,
        qwen-2,qwen-lab,通义千问 2,2025-01-01,https://qwen.ai/2
        zh-r,zurich-uni,Zürich Release,1999-12-31,

        """#
    static let models = #"""
        id,organization,name,release,released_on,family,params_total_b,params_active_b,architecture,modality,license,openness,url
        acme/one,acme,"Acme One, ""quoted""
        second line",acme-1,,Acme,0.1,,dense,text,Apache-2.0,open-source,https://acme.example/one
        Qwen/通义千问-72B,qwen-lab,通义千问 72B,qwen-2,2025-01-15,通义千问,72.7,0.001,moe,text,qwen,open-weights,
        zurich/tiny,zurich-uni,Zürich Tiny,,2023-06-30,,1e-9,,,,,restricted-weights,
        gov/closed,gov-lab,"Gov Closed\#tTabbed",,2025-11-01,,123456789012345678,1,moe,image;text,,closed,
        hackers/minimal,hackers,Minimal,,2020-01-01,,,,,,,,

        """#
    static let metrics = #"""
        id,name,unit,kind,window_days,higher_is_better,description
        likes,"Likes, total",likes,cumulative,,,
        dl_7d,Downloads (7 days),downloads,window,7,true,"Downloads over ""7"" days\#r\#nsecond line"
        loss,Loss — lower is better,nats,score,,false,Überprüfung: 損失
        huge,Huge numbers,units,score,,true,

        """#
    static let observations = #"""
        model,metric,observed_on,value,source
        acme/one,likes,2024-03-01,100,
        acme/one,likes,2024-03-02,123456789012345678901234567890,"source, with comma"
        acme/one,dl_7d,2024-03-02,0.1,https://x.example/?q=1
        Qwen/通义千问-72B,loss,2025-02-01,-0.5,通义
        Qwen/通义千问-72B,huge,2025-02-01,1e20,
        zurich/tiny,huge,2023-07-01,1e-300,
        zurich/tiny,huge,2023-07-02,5e-324,
        zurich/tiny,huge,2023-07-03,1.7976931348623157e308,
        zurich/tiny,likes,2025-03-01,42,"a ""quoted"" source"
        gov/closed,loss,2025-11-02,0,
        gov/closed,likes,2025-11-02,9007199254740993,
        hackers/minimal,dl_7d,2020-01-08,0.30000000000000004,
        hackers/minimal,likes,2020-01-08,-1e-10,
        hackers/minimal,huge,2020-01-08,123.456,
        hackers/minimal,huge,2020-01-09,999999999999999,
        hackers/minimal,huge,2020-01-10,1000000000000000,

        """#
    /// A stub (a base known only by its id, no release date) and bases, a merge's two among them.
    static let stubs = """
        id,organization,name,stub
        hackers/stub-base,hackers,Stub Base,true

        """
    static let modelBases = #"""
        model,base,relation,source
        acme/one,hackers/stub-base,finetune,"the card, ""quoted"""
        Qwen/通义千问-72B,acme/one,merge,
        Qwen/通义千问-72B,zurich/tiny,merge,
        gov/closed,Qwen/通义千问-72B,quantized,

        """#
    static let files: [(String, String)] = [
        ("organizations.csv", organizations), ("releases.csv", releases), ("models.csv", models),
        ("models.stubs.csv", stubs), ("model_bases.csv", modelBases),
        ("metrics.csv", metrics), ("observations.csv", observations),
    ]
    /// Rows per entity, counted by hand.
    static let counts: [String: Int] = ["organizations": 6, "releases": 3, "models": 6, "model_bases": 4, "metrics": 4, "observations": 16]
}

let exportEntities = ["organizations", "releases", "models", "model_bases", "metrics", "observations"]

/// Each entity's content, independent of the database's internal integer keys.
let exportComparisonQueries: [String: String] = [
    "organizations": "SELECT id, name, country, kind, hf_namespaces, url FROM organizations ORDER BY id",
    "releases": "SELECT id, organization, name, released_on, url FROM releases ORDER BY id",
    "models": """
        SELECT id, organization, name, release, released_on, family, params_total_b, params_active_b,
               architecture, modality, license, openness, url, stub
        FROM models ORDER BY id
        """,
    "model_bases": "SELECT model, base, relation, source FROM model_bases_named ORDER BY model, base",
    "metrics": "SELECT id, name, unit, kind, window_days, higher_is_better, description FROM metrics ORDER BY id",
    "observations": """
        SELECT m.id, mt.id, date(o.observed_day * 86400, 'unixepoch'), o.value, typeof(o.value), o.source
        FROM observations AS o JOIN models AS m ON m.key = o.model JOIN metrics AS mt ON mt.key = o.metric
        ORDER BY m.id, mt.id, date(o.observed_day * 86400, 'unixepoch')
        """,
]

// MARK: Helpers

extension Sandbox {
    /// Runs owl and expects exit 0.
    @discardableResult
    func exportOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let result = try run(arguments)
        #expect(result.status == 0, "owl \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)",
                sourceLocation: sourceLocation)
        return result
    }

    func writeAwkward(in folder: String = "awkward") throws {
        for (name, text) in AwkwardExportData.files { try write("\(folder)/\(name)", text) }
    }

    /// Ingests `source` (files or folders) into a fresh database `db`.
    func ingestFresh(_ db: String, _ sources: String..., sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!FileManager.default.fileExists(atPath: path(db)), sourceLocation: sourceLocation)
        try exportOK(["ingest", "--db", db] + sources, sourceLocation: sourceLocation)
    }

    func exportRows(_ db: String, _ sql: String) throws -> [[SQLValue]] {
        try Database(path: path(db), mode: .readOnly).rows(sql)
    }

    func exportCount(_ db: String, _ table: String) throws -> Int {
        Int(try exportRows(db, "SELECT count(*) FROM \(table)")[0][0].integerValue ?? -1)
    }

    /// Compares every entity table of two databases row by row, value by value (types included).
    func expectSameContent(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for entity in exportEntities {
            let left = try exportRows(a, exportComparisonQueries[entity]!)
            let right = try exportRows(b, exportComparisonQueries[entity]!)
            #expect(!left.isEmpty, "\(entity) of \(a) is empty", sourceLocation: sourceLocation)
            #expect(try exportCount(a, entity) == exportCount(b, entity), "\(entity) row counts differ", sourceLocation: sourceLocation)
            #expect(left.count == right.count, "\(entity): \(left.count) rows vs \(right.count)", sourceLocation: sourceLocation)
            for (index, (x, y)) in zip(left, right).enumerated() where x != y {
                Issue.record("\(entity) row \(index) differs:\n  \(x)\n  \(y)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Files left behind by an unfinished write: `.NAME.owl-….tmp`.
    func temporaryFiles(in folder: String = ".") throws -> [String] {
        let url = folder == "." ? self.folder : self.folder.appending(path: folder)
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".tmp") }
    }

    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: folder.appending(path: name)), as: UTF8.self)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }
}

/// Rows of a CSV as dictionaries keyed by the header.
func exportedRecords(_ text: String) -> [[String: String]] {
    let rows = parseCSV(text)
    guard let header = rows.first else { return [] }
    return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0).map { ($0, $1) }) }
}

/// The significant digits of a number written as text: `100` → 1, `0.30000000000000004` → 17.
func significantDigits(_ text: String) -> Int {
    let mantissa = text.lowercased().split(separator: "e").first.map(String.init) ?? text
    var digits = mantissa.filter(\.isNumber)
    while digits.hasPrefix("0") { digits.removeFirst() }
    while digits.hasSuffix("0") { digits.removeLast() }
    return digits.count
}

let exportFieldNames: [String: [String]] = [
    "organizations": ["id", "name", "country", "kind", "hf_namespaces", "url"],
    "releases": ["id", "organization", "name", "released_on", "url"],
    "models": ["id", "organization", "name", "release", "released_on", "family", "params_total_b", "params_active_b",
               "architecture", "modality", "license", "openness", "url", "stub"],
    "model_bases": ["model", "base", "relation", "source"],
    "metrics": ["id", "name", "unit", "kind", "window_days", "higher_is_better", "description"],
    "observations": ["model", "metric", "observed_on", "value", "source"],
]

/// End-to-end tests of `owl export`.
@Suite struct ExportTests {
    var seeds: String { packageRoot.appending(path: "Seeds").path }

    // MARK: Round trips

    @Test(arguments: ["csv", "json", "jsonl"])
    func seedsRoundTrip(format: String) throws {
        let box = try Sandbox()
        try box.ingestFresh("a.sqlite", seeds)
        var arguments = ["export", "all", "--db", "a.sqlite", "--output", "out"]
        if format != "csv" { arguments += ["--format", format] }
        let export = try box.exportOK(arguments)
        for entity in exportEntities {
            #expect(box.exists("out/\(entity).\(format)"), "no out/\(entity).\(format)")
            #expect(export.stderr.contains("\(entity).\(format): \(try box.exportCount("a.sqlite", entity)) rows"), "\(export.stderr)")
        }
        #expect(try box.temporaryFiles(in: "out").isEmpty)
        try box.ingestFresh("b.sqlite", "out")
        try box.expectSameContent("a.sqlite", "b.sqlite")
        // The seeds read back from the export equal the seeds read from the curated files.
        #expect(try box.exportCount("b.sqlite", "models") == 250, "243 described models and 7 stubs")
    }

    @Test(arguments: ["csv", "json", "jsonl"])
    func awkwardValuesRoundTrip(format: String) throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        for (entity, count) in AwkwardExportData.counts {
            #expect(try box.exportCount("a.sqlite", entity) == count, "\(entity) did not load every awkward row")
        }
        var arguments = ["export", "all", "--db", "a.sqlite", "--output", "out"]
        if format != "csv" { arguments += ["--format", format] }
        try box.exportOK(arguments)
        try box.ingestFresh("b.sqlite", "out")
        try box.expectSameContent("a.sqlite", "b.sqlite")

        // A second export of the copy is the same bytes (observations aside: they follow internal keys).
        var again = ["export", "all", "--db", "b.sqlite", "--output", "again"]
        if format != "csv" { again += ["--format", format] }
        try box.exportOK(again)
        for entity in exportEntities where entity != "observations" {
            #expect(try box.read("out/\(entity).\(format)") == box.read("again/\(entity).\(format)"), "\(entity) differs")
        }
    }

    @Test func awkwardDatasetCoversEveryEnumerationValue() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        try box.exportOK(["export", "all", "--db", "a.sqlite", "--output", "out"])
        let organizations = exportedRecords(try box.read("out/organizations.csv"))
        #expect(Set(organizations.map { $0["kind"]! }) == ["company", "academic", "nonprofit", "community", "government"])
        let models = exportedRecords(try box.read("out/models.csv"))
        #expect(Set(models.map { $0["openness"]! }) == ["open-source", "open-weights", "restricted-weights", "closed", ""])
        #expect(Set(models.map { $0["architecture"]! }) == ["dense", "moe", ""])
        let metrics = exportedRecords(try box.read("out/metrics.csv"))
        #expect(Set(metrics.map { $0["kind"]! }) == ["cumulative", "window", "score"])
        #expect(Set(metrics.map { $0["higher_is_better"]! }) == ["true", "false"])
        #expect(metrics.first { $0["id"] == "dl_7d" }?["window_days"] == "7")
        #expect(metrics.first { $0["id"] == "likes" }?["window_days"] == "")
    }

    @Test func awkwardTextSurvivesCSVExactly() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        try box.exportOK(["export", "all", "--db", "a.sqlite", "--output", "out"])
        let organizations = exportedRecords(try box.read("out/organizations.csv"))
        #expect(organizations.first { $0["id"] == "acme" }?["name"] == "Acme, Inc. \"The Best\"")
        #expect(organizations.first { $0["id"] == "acme" }?["hf_namespaces"] == "acme;acme-labs")
        #expect(organizations.first { $0["id"] == "hackers" }?["name"] == "Hackers\nUnited")
        #expect(organizations.first { $0["id"] == "zurich-uni" }?["name"] == "Universität Zürich")
        #expect(organizations.first { $0["id"] == "zurich-uni" }?["url"] == "")
        #expect(organizations.first { $0["id"] == "open-collective" }?["country"] == "ZZ")
        let models = exportedRecords(try box.read("out/models.csv"))
        let acme = models.first { $0["id"] == "acme/one" }
        #expect(acme?["name"] == "Acme One, \"quoted\"\nsecond line")
        // The release's date is written out, so the row stands on its own.
        #expect(acme?["released_on"] == "2024-02-29")
        #expect(models.first { $0["id"] == "Qwen/通义千问-72B" }?["family"] == "通义千问")
        #expect(models.first { $0["id"] == "gov/closed" }?["name"] == "Gov Closed\tTabbed")
        let minimal = models.first { $0["id"] == "hackers/minimal" }
        for field in ["release", "family", "params_total_b", "params_active_b", "architecture", "modality", "license", "openness", "url"] {
            #expect(minimal?[field] == "", "hackers/minimal \(field) should be empty")
        }
        let metrics = exportedRecords(try box.read("out/metrics.csv"))
        let description = metrics.first { $0["id"] == "dl_7d" }?["description"]
        #expect(description == (try box.exportRows("a.sqlite", "SELECT description FROM metrics WHERE id = 'dl_7d'")[0][0].textValue))
        #expect(description?.contains("Downloads over \"7\" days") == true)
        #expect(description?.contains("second line") == true)
    }

    @Test func numbersAreWrittenInTheirShortestExactForm() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        try box.exportOK(["export", "observations", "--db", "a.sqlite", "--output", "observations.csv"])
        let records = exportedRecords(try box.read("observations.csv"))
        #expect(records.count == 16)
        func value(_ model: String, _ metric: String, _ day: String) -> String? {
            records.first { $0["model"] == model && $0["metric"] == metric && $0["observed_on"] == day }?["value"]
        }
        #expect(value("acme/one", "likes", "2024-03-01") == "100")
        #expect(value("acme/one", "dl_7d", "2024-03-02") == "0.1")
        #expect(value("Qwen/通义千问-72B", "loss", "2025-02-01") == "-0.5")
        #expect(value("gov/closed", "loss", "2025-11-02") == "0")
        #expect(value("hackers/minimal", "huge", "2020-01-08") == "123.456")
        #expect(value("hackers/minimal", "dl_7d", "2020-01-08") == "0.30000000000000004")
        #expect(value("hackers/minimal", "huge", "2020-01-09") == "999999999999999")
        // Every value reads back as exactly the stored number, and none is padded.
        let stored = try box.exportRows("a.sqlite", exportComparisonQueries["observations"]!)
        for row in stored {
            let text = value(row[0].textValue!, row[1].textValue!, row[2].textValue!)
            #expect(text.flatMap(Double.init) == row[3].doubleValue, "\(row) written as \(text ?? "nothing")")
            guard let text else { continue }
            #expect(!text.hasSuffix(".0") && !text.contains(".0e") && !text.contains("e+0") && !text.contains("e-0"), "not shortest: \(text)")
            // Shortest: no more significant digits than the shortest round-tripping form.
            #expect(significantDigits(text) <= significantDigits(Double(text)!.description), "long form \(text)")
        }
        let models = exportedRecords(try box.exportOK(["export", "models", "--db", "a.sqlite"]).stdout)
        #expect(models.first { $0["id"] == "acme/one" }?["params_total_b"] == "0.1")
        #expect(models.first { $0["id"] == "Qwen/通义千问-72B" }?["params_active_b"] == "0.001")
        #expect(models.first { $0["id"] == "Qwen/通义千问-72B" }?["params_total_b"] == "72.7")
        #expect(models.first { $0["id"] == "gov/closed" }?["params_active_b"] == "1")
        for model in models {
            for field in ["params_total_b", "params_active_b"] {
                let text = model[field] ?? ""
                #expect(!text.hasSuffix(".0") && !text.contains("e-0") && !text.contains("e+0"), "\(model["id"]!) \(field) written as \(text)")
                #expect(text.isEmpty || significantDigits(text) <= significantDigits(Double(text)!.description), "long form \(text)")
            }
        }
    }

    // MARK: Each format parsed back

    @Test func csvHasTheInterchangeHeaderAndOneRecordPerRow() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        for entity in exportEntities {
            let run = try box.exportOK(["export", entity, "--db", "a.sqlite"])
            let rows = parseCSV(run.stdout)
            #expect(rows.first == exportFieldNames[entity], "\(entity) header \(rows.first ?? [])")
            #expect(rows.count - 1 == AwkwardExportData.counts[entity], "\(entity): \(rows.count - 1) records")
            #expect(rows.allSatisfy { $0.count == exportFieldNames[entity]!.count }, "\(entity) has a ragged row")
        }
    }

    @Test func singleEntityFilesInEveryInterchangeFormatIngestBack() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        for format in ["csv", "json", "jsonl"] {
            try FileManager.default.createDirectory(atPath: box.path(format), withIntermediateDirectories: true)
            // The format comes from the extension.
            for entity in exportEntities {
                try box.exportOK(["export", entity, "--db", "a.sqlite", "--output", "\(format)/\(entity).\(format)"])
            }
            let db = "from-\(format).sqlite"
            try box.ingestFresh(db, exportEntities.map { box.path("\(format)/\($0).\(format)") }[0])
            for entity in exportEntities.dropFirst() {
                try box.exportOK(["ingest", "--db", db, "\(format)/\(entity).\(format)"])
            }
            try box.expectSameContent("a.sqlite", db)
        }
    }

    @Test func tsvSplitsOnTabsIntoTheFields() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        let run = try box.exportOK(["export", "models", "--db", "a.sqlite", "--format", "tsv"])
        var lines = run.stdout.components(separatedBy: "\n")
        #expect(lines.last == "")
        lines.removeLast()
        #expect(lines.count == 1 + 6, "a line break inside a cell must not start a new line:\n\(run.stdout)")
        let rows = lines.map { $0.components(separatedBy: "\t") }
        #expect(rows.first == exportFieldNames["models"])
        #expect(rows.allSatisfy { $0.count == 14 }, "a tab inside a cell must not split it")
        func unescape(_ cell: String) -> String {
            var out = "", escaping = false
            for c in cell {
                if escaping {
                    out.append(c == "n" ? "\n" : c == "t" ? "\t" : c == "r" ? "\r" : c)
                    escaping = false
                } else if c == "\\" { escaping = true } else { out.append(c) }
            }
            return out
        }
        let names = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], unescape($0[2])) })
        #expect(names["acme/one"] == "Acme One, \"quoted\"\nsecond line")
        #expect(names["gov/closed"] == "Gov Closed\tTabbed")
        #expect(names["Qwen/通义千问-72B"] == "通义千问 72B")
        let minimal = rows.first { $0[0] == "hackers/minimal" }
        #expect(minimal?[6] == "" && minimal?[11] == "")
    }

    @Test func jsonHasNumbersAsNumbersAndNullsAsNull() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        let observations = try box.exportOK(["export", "observations", "--db", "a.sqlite", "--format", "json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(observations.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 16)
        for object in parsed ?? [] {
            #expect(Set(object.keys) == Set(exportFieldNames["observations"]!))
            #expect(object["value"] is NSNumber, "value is not a JSON number: \(object)")
            #expect(object["model"] is String)
        }
        let first = parsed?.first { $0["model"] as? String == "acme/one" && $0["observed_on"] as? String == "2024-03-01" }
        #expect((first?["value"] as? NSNumber)?.doubleValue == 100)
        #expect(first?["source"] is NSNull, "an empty source is null, got \(String(describing: first?["source"]))")
        #expect(observations.stdout.contains("\"value\": 100,"), "100 written as \(observations.stdout)")

        let models = try box.exportOK(["export", "models", "--db", "a.sqlite", "--format", "json"])
        let modelObjects = try JSONSerialization.jsonObject(with: Data(models.stdout.utf8)) as? [[String: Any]]
        #expect(modelObjects?.count == 6)
        let acme = modelObjects?.first { $0["id"] as? String == "acme/one" }
        #expect(acme?["name"] as? String == "Acme One, \"quoted\"\nsecond line")
        #expect((acme?["params_total_b"] as? NSNumber)?.doubleValue == 0.1)
        let minimal = modelObjects?.first { $0["id"] as? String == "hackers/minimal" }
        for field in ["release", "params_total_b", "architecture", "openness", "url"] {
            #expect(minimal?[field] is NSNull, "hackers/minimal \(field) should be null")
        }

        let metrics = try box.exportOK(["export", "metrics", "--db", "a.sqlite", "--format", "json"])
        let metricObjects = try JSONSerialization.jsonObject(with: Data(metrics.stdout.utf8)) as? [[String: Any]]
        let window = metricObjects?.first { $0["id"] as? String == "dl_7d" }
        #expect((window?["window_days"] as? NSNumber)?.intValue == 7)
        #expect(metricObjects?.first { $0["id"] as? String == "likes" }?["window_days"] is NSNull)

        // An empty result is still a JSON array.
        let none = try box.exportOK(["export", "models", "--db", "a.sqlite", "--format", "json", "--organization", "open-collective"])
        #expect((try JSONSerialization.jsonObject(with: Data(none.stdout.utf8)) as? [Any])?.isEmpty == true)
    }

    @Test func jsonlIsOneObjectALine() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        for entity in exportEntities {
            let run = try box.exportOK(["export", entity, "--db", "a.sqlite", "--format", "jsonl"])
            let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "")
            #expect(lines.count - 1 == AwkwardExportData.counts[entity])
            for line in lines.dropLast() {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object.map { Set($0.keys) } == Set(exportFieldNames[entity]!), "\(line)")
            }
        }
    }

    @Test func markdownIsAPipeTableWithAHeaderSeparator() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        let run = try box.exportOK(["export", "organizations", "--db", "a.sqlite", "--format", "markdown"])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + 6, "\(run.stdout)")
        /// Cells split on unescaped pipes.
        func cells(_ line: String) -> [String] {
            var cells: [String] = [], cell = "", previous: Character = " "
            for c in line.dropFirst() {
                if c == "|" && previous != "\\" { cells.append(cell.trimmingCharacters(in: .whitespaces)); cell = "" } else { cell.append(c) }
                previous = c
            }
            return cells
        }
        #expect(lines.allSatisfy { $0.hasPrefix("|") && $0.hasSuffix("|") })
        #expect(cells(lines[0]) == exportFieldNames["organizations"])
        let separator = cells(lines[1])
        #expect(separator.count == 6)
        #expect(separator.allSatisfy { $0.count >= 3 && $0.allSatisfy { $0 == "-" || $0 == ":" } && $0.contains("-") }, "\(lines[1])")
        #expect(lines.dropFirst(2).allSatisfy { cells($0).count == 6 }, "a cell breaks the table:\n\(run.stdout)")
        #expect(lines.contains { $0.contains("Government \\| AI Lab") })

        // From the extension too.
        try box.exportOK(["export", "organizations", "--db", "a.sqlite", "--output", "orgs.md"])
        #expect(try box.read("orgs.md") == run.stdout)
    }

    // A name without an extension is CSV; an extension owl does not write is refused (UsageTests).
    @Test func formatDefaultsFromTheExtensionElseCSV() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        let csv = try box.exportOK(["export", "metrics", "--db", "a.sqlite"])
        // CSV records end with CRLF (RFC 4180), as the README promises.
        #expect(csv.stdout.hasPrefix("id,name,unit,kind,window_days,higher_is_better,description\r\n"), "\(csv.stdout.prefix(80).debugDescription)")
        // Each file starts as its format does (by the format's definition), and holds what
        // --format gives.
        let starts = ["json": "[\n{\"id\": ", "jsonl": "{\"id\": ", "tsv": "id\tname\tunit\tkind\twindow_days\thigher_is_better\tdescription\n",
                      "markdown": "| id ", "csv": "id,name,unit,kind,window_days,higher_is_better,description\r\n"]
        for (file, format) in [("m.json", "json"), ("m.jsonl", "jsonl"), ("m.tsv", "tsv"), ("m.md", "markdown"), ("m.csv", "csv"), ("metrics-plain", "csv")] {
            try box.exportOK(["export", "metrics", "--db", "a.sqlite", "--output", file])
            let written = try box.read(file)
            #expect(written.hasPrefix(starts[format]!), "\(file) is not \(format): \(written.prefix(80).debugDescription)")
            let explicit = try box.exportOK(["export", "metrics", "--db", "a.sqlite", "--format", format])
            #expect(written == explicit.stdout, "\(file) is not \(format)")
        }
        // --format wins over the extension.
        try box.exportOK(["export", "metrics", "--db", "a.sqlite", "--output", "forced.csv", "--format", "jsonl"])
        #expect(try box.read("forced.csv").hasPrefix("{"))
    }

    @Test func analysesExportLikeEntities() throws {
        let box = try Sandbox()
        try box.ingestFresh("a.sqlite", seeds)
        let csv = try box.exportOK(["export", "leaderboard", "--db", "a.sqlite", "--metric", "hf_likes"])
        let rows = parseCSV(csv.stdout)
        #expect(rows.first == ["rank", "model", "organization", "country", "value"], "\(csv.stdout)")
        // The seeds hold more than 20 models with hf_likes: the header and --limit's default 20 rows.
        #expect(rows.count == 21, "\(csv.stdout)")
        try box.exportOK(["export", "leaderboard", "--db", "a.sqlite", "--metric", "hf_likes", "--output", "board.json"])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: box.folder.appending(path: "board.json"))) as? [[String: Any]]
        #expect(json?.count == rows.count - 1)
        let unknown = try box.run(["export", "no-such-thing", "--db", "a.sqlite"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("Error: no-such-thing is not something owl exports"), "\(unknown.stderr)")
    }

    // MARK: Filters

    @Test func filtersNarrowTheRows() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        func count(_ arguments: String...) throws -> Int {
            let run = try box.exportOK(["export"] + arguments + ["--db", "a.sqlite", "--format", "jsonl"])
            return run.stdout.split(separator: "\n").count
        }
        #expect(try count("organizations", "--organization", "acme") == 1)
        #expect(try count("releases", "--organization", "acme") == 1)
        #expect(try count("models", "--organization", "acme") == 1)
        #expect(try count("observations", "--organization", "acme") == 3)
        #expect(try count("organizations", "--country", "CN") == 1)
        #expect(try count("releases", "--country", "CN") == 1)
        #expect(try count("models", "--country", "CN") == 1)
        #expect(try count("observations", "--country", "CN") == 2)
        #expect(try count("observations", "--country", "CH") == 4)
        #expect(try count("organizations", "--country", "JP") == 0)
        #expect(try count("models", "--from", "2025-01-01", "--to", "2025-06-30") == 1)
        #expect(try count("models", "--from", "2025-01-01") == 2)
        #expect(try count("observations", "--from", "2025-01-01") == 5)
        #expect(try count("observations", "--from", "2025-01-01", "--to", "2025-06-30") == 3)
        // Both ends are inclusive.
        #expect(try count("releases", "--from", "2025-01-01") == 1)
        #expect(try count("releases", "--to", "2024-02-29") == 2)
        #expect(try count("observations", "--from", "2020-01-08", "--to", "2020-01-08") == 3)
        #expect(try count("observations", "--organization", "hackers", "--from", "2020-01-09") == 2)
        // A filter that does not apply is an error, not a silent full export.
        #expect(try box.run(["export", "organizations", "--db", "a.sqlite", "--from", "2025-01-01"]).status == 2)
        #expect(try box.run(["export", "metrics", "--db", "a.sqlite", "--organization", "acme"]).status == 2)
        let badDate = try box.run(["export", "models", "--db", "a.sqlite", "--from", "2025-02-30"])
        #expect(badDate.status == 2)
        #expect(badDate.stdout.isEmpty)
    }

    @Test func aFilteredExportAllIngestsIntoAFreshDatabase() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        try box.exportOK(["export", "all", "--db", "a.sqlite", "--output", "acme", "--organization", "acme"])
        #expect(exportedRecords(try box.read("acme/organizations.csv")).count == 1)
        #expect(exportedRecords(try box.read("acme/metrics.csv")).count == 4)
        #expect(exportedRecords(try box.read("acme/observations.csv")).count == 3)
        try box.ingestFresh("acme.sqlite", "acme")
        #expect(try box.exportCount("acme.sqlite", "observations") == 3)

        // A date filter must not leave an observation or model whose model or release it dropped.
        try box.exportOK(["export", "all", "--db", "a.sqlite", "--output", "recent", "--from", "2025-01-01"])
        let recent = try box.run(["ingest", "--db", "recent.sqlite", "recent"])
        #expect(recent.status == 0, "the filtered export does not ingest: \(recent.stderr)")
    }

    // MARK: Safe writing

    @Test func anExistingFileIsKeptWithoutForce() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        try box.write("models.csv", "precious\n")
        let refused = try box.run(["export", "models", "--db", "a.sqlite", "--output", "models.csv"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try box.read("models.csv") == "precious\n")
        #expect(try box.temporaryFiles().isEmpty)

        let forced = try box.exportOK(["export", "models", "--db", "a.sqlite", "--output", "models.csv", "--force"])
        #expect(forced.status == 0)
        #expect(try box.read("models.csv") == box.exportOK(["export", "models", "--db", "a.sqlite"]).stdout)
        #expect(try box.temporaryFiles().isEmpty)
    }

    @Test func exportAllRefusesBeforeWritingAnything() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        try box.write("out/observations.csv", "precious\n")
        let refused = try box.run(["export", "all", "--db", "a.sqlite", "--output", "out"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--force"))
        #expect(try box.read("out/observations.csv") == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("out")) == ["observations.csv"])

        try box.exportOK(["export", "all", "--db", "a.sqlite", "--output", "out", "--force"])
        #expect(exportedRecords(try box.read("out/observations.csv")).count == 16)
        #expect(try box.temporaryFiles(in: "out").isEmpty)

        // Only the interchange formats, and only into a folder.
        let markdown = try box.run(["export", "all", "--db", "a.sqlite", "--output", "md", "--format", "markdown"])
        #expect(markdown.status == 2)
        #expect(!box.exists("md"))
        #expect(try box.run(["export", "all", "--db", "a.sqlite"]).status == 2)
    }

    @Test func aFailureLeavesNoFile() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")

        // A folder that does not exist.
        let missing = try box.run(["export", "models", "--db", "a.sqlite", "--output", "no/such/folder/models.csv"])
        #expect(missing.status == 1)
        #expect(!box.exists("no/such/folder/models.csv"))
        #expect(!missing.stderr.contains("Error Domain"), "\(missing.stderr)")

        // A "folder" that is a regular file: cannot hold a file, even for root.
        try box.write("plain", "a file\n")
        let underFile = try box.run(["export", "models", "--db", "a.sqlite", "--output", "plain/models.csv"])
        #expect(underFile.status == 1)
        #expect(try box.read("plain") == "a file\n")

        // An output path that is a folder.
        try FileManager.default.createDirectory(atPath: box.path("adir"), withIntermediateDirectories: true)
        let ontoFolder = try box.run(["export", "models", "--db", "a.sqlite", "--output", "adir", "--force"])
        #expect(ontoFolder.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("adir")).isEmpty)

        // A bad filter (a usage error, found before anything is opened) leaves neither the file nor a temporary.
        for arguments in [["models", "--from", "2025-02-30"], ["metrics", "--organization", "acme"], ["organizations", "--to", "2025-01-01"]] {
            let failed = try box.run(["export"] + arguments + ["--db", "a.sqlite", "--output", "failed.csv"])
            #expect(failed.status == 2, "\(arguments)")
            #expect(!box.exists("failed.csv"), "\(arguments) left a file")
            let leftovers = try box.temporaryFiles()
            #expect(leftovers.isEmpty, "\(arguments) left \(leftovers)")
        }
        // And --force does not destroy the old file when the export fails.
        try box.write("kept.csv", "old\n")
        let failedForce = try box.run(["export", "models", "--from", "2025-02-30", "--db", "a.sqlite", "--output", "kept.csv", "--force"])
        #expect(failedForce.status == 2)
        #expect(try box.read("kept.csv") == "old\n")
        #expect(try box.temporaryFiles().isEmpty)

        // An unwritable folder. Root writes anywhere, so as root owl runs as nobody (setpriv);
        // the control, a folder anyone may write, shows nobody can export at all.
        for (name, permissions) in [("locked", 0o555), ("open", 0o777)] {
            try FileManager.default.createDirectory(atPath: box.path(name), withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: box.path(name))
        }
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: box.path("locked")) }
        func export(to output: String) throws -> Run {
            let arguments = ["export", "models", "--db", "a.sqlite", "--output", output]
            guard getuid() == 0 else { return try box.run(arguments) }
            return try runProcess(URL(fileURLWithPath: "/usr/bin/setpriv"),
                                  ["--reuid=65534", "--regid=65534", "--clear-groups", box.owl.path] + arguments, in: box.folder)
        }
        let locked = try export(to: "locked/models.csv")
        #expect(locked.status == 1)
        #expect(locked.stderr == "owl: locked/models.csv: cannot write in locked (Permission denied)\n", "\(locked.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("locked")).isEmpty)
        let open = try export(to: "open/models.csv")
        #expect(open.status == 0, "\(open.stderr)")
        #expect(exportedRecords(try box.read("open/models.csv")).count == AwkwardExportData.counts["models"])
    }

    @Test func exportAllIntoABlockedFolderLeavesNoTemporaryFiles() throws {
        let box = try Sandbox()
        try box.writeAwkward()
        try box.ingestFresh("a.sqlite", "awkward")
        // observations.csv is a folder: the last file cannot be written.
        try FileManager.default.createDirectory(atPath: box.path("out/observations.csv"), withIntermediateDirectories: true)
        let run = try box.run(["export", "all", "--db", "a.sqlite", "--output", "out", "--force"])
        #expect(run.status == 1)
        // The folder is replaced as a whole, so one holding anything else is refused before a
        // file is written: it is left as it was, with no temporary beside or inside it.
        #expect(run.stderr == "owl: out holds more than owl's entity files (observations.csv); export all replaces the whole folder, "
            + "so give an empty or new one\n", "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("out")) == ["observations.csv"])
        #expect(try box.temporaryFiles(in: "out").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.folder.path).filter { $0.contains(".owl-") }.isEmpty)
    }
}

@Suite struct ExportTargetTests {
    @Test func anUnknownTargetListsWhatCanBeExportedAndSuggests() throws {
        let box = try Sandbox()
        #expect(try box.owl("init").status == 0)
        let run = try box.owl("export", "model")
        #expect(run.status == 2)
        #expect(run.stderr.contains("give an entity (organizations, organization_aliases, releases, models, model_bases, metrics, observations), all, or an analysis ("), "\(run.stderr)")
        #expect(run.stderr.contains("did you mean models?"), "\(run.stderr)")
    }
}
