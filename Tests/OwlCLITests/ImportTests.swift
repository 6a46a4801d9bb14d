import Foundation
import Testing

// End-to-end tests of the importers: Hugging Face Hub listings (--format hf-models), Epoch AI's
// "Notable AI Models" CSV (--format epoch) and CSV files of another shape read through a column
// mapping (--column/--set, --map FILE.json|FILE.toml). Real files are the committed copies in Tests/Fixtures/.

// MARK: Helpers (names prefixed with `imp` to stay clear of other test files' helpers)

extension Sandbox {
    /// The rows of `sql` as printed by the sqlite3 command-line tool: one line per row,
    /// cells separated by `|`, reals as SQLite prints them (671.0264192).
    func impSQL(_ sql: String, db: String = "owl.sqlite") throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-batch", "-noheader", "-readonly", path(db), sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).filter { !$0.isEmpty }
    }

    /// A single value (first cell of the first row), "" when there is none.
    func impValue(_ sql: String, db: String = "owl.sqlite") throws -> String {
        try impSQL(sql, db: db).first ?? ""
    }

    func impCount(_ table: String, db: String = "owl.sqlite") throws -> Int {
        Int(try impValue("SELECT count(*) FROM \(table)", db: db)) ?? -1
    }

    /// Runs `owl ingest ARGS` and expects it to succeed.
    @discardableResult
    func impIngestOK(_ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let run = try self.run(["ingest", "-q"] + args)
        #expect(run.status == 0, "owl ingest \(args.joined(separator: " ")) exited \(run.status): \(run.stderr)",
                sourceLocation: sourceLocation)
        return run
    }

    /// Runs `owl ingest ARGS` and expects it to fail with exit status 1.
    @discardableResult
    func impIngestFails(_ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let run = try self.run(["ingest", "-q"] + args)
        #expect(run.status == 1, "owl ingest \(args.joined(separator: " ")) exited \(run.status)\n\(run.stdout)\n\(run.stderr)",
                sourceLocation: sourceLocation)
        return run
    }

    /// An ingest whose command line is wrong (a --column or --set mistake): exit 2.
    func impIngestRefused(_ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let run = try self.run(["ingest", "-q"] + args)
        #expect(run.status == 2, "owl ingest \(args.joined(separator: " ")) exited \(run.status)\n\(run.stdout)\n\(run.stderr)",
                sourceLocation: sourceLocation)
        return run
    }

    /// Counts of every data table, to compare before and after a load.
    func impTableCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["organizations", "releases", "models", "metrics", "observations"] { counts[table] = try impCount(table) }
        return counts
    }
}

/// The summary line of `entity` in an ingest's standard output (nil when there is none).
func impSummaryLine(_ stdout: String, _ entity: String) -> String? {
    stdout.split(separator: "\n").map(String.init).first { $0.contains("→ \(entity):") }
}

/// The read/inserted/updated/unchanged/skipped numbers of a summary line.
func impSummaryCounts(_ line: String?) -> [String: Int] {
    guard let line else { return [:] }
    var counts: [String: Int] = [:]
    for word in ["read", "inserted", "updated", "unchanged", "skipped"] {
        if let range = line.range(of: "(\\d+) \(word)", options: .regularExpression) {
            counts[word] = Int(line[range].split(separator: " ")[0])
        }
    }
    return counts
}

enum ImpFixture {
    static let organizations = """
        id,name,country,kind,hf_namespaces,url
        deepseek,DeepSeek,CN,company,deepseek-ai,https://www.deepseek.com
        meta,Meta,US,company,meta-llama;facebook,https://ai.meta.com
        alibaba,Alibaba Cloud,CN,company,Qwen,

        """

    static func listingObjects(downloadsScale: Int = 1) -> [String] {
        [
            #"{"id": "deepseek-ai/DeepSeek-R1", "author": "deepseek-ai", "createdAt": "2025-01-20T09:12:00.000Z", "downloads": \#(1234567 * downloadsScale), "likes": 12800, "tags": ["transformers", "license:mit"], "pipeline_tag": "text-generation", "library_name": "transformers", "safetensors": {"total": 671026419200}}"#,
            #"{"id": "meta-llama/Llama-3.1-8B", "author": "meta-llama", "createdAt": "2024-07-18T15:00:00.000Z", "downloads": \#(5000000 * downloadsScale), "likes": 1500, "tags": ["license:llama3.1"], "pipeline_tag": "text-generation", "safetensors": {"total": 8030261248}}"#,
            #"{"id": "Qwen/Qwen2.5-7B", "author": "Qwen", "createdAt": "2024-09-15T00:00:00.000Z", "downloads": \#(300000 * downloadsScale), "likes": 200, "tags": ["license:apache-2.0"]}"#,
            // No author, no tags, no safetensors, no pipeline_tag: an unknown namespace.
            #"{"id": "tiny-lab/Tiny-1B", "createdAt": "2025-03-01T12:00:00.000Z", "downloads": \#(10 * downloadsScale), "likes": 1}"#,
        ]
    }

    static func listingArray(downloadsScale: Int = 1) -> String {
        "[\n" + listingObjects(downloadsScale: downloadsScale).joined(separator: ",\n") + "\n]\n"
    }

    static func listingLines(downloadsScale: Int = 1) -> String {
        listingObjects(downloadsScale: downloadsScale).joined(separator: "\n") + "\n"
    }

    static let epochHeader = "Model,Organization,Publication date,Parameters,Model accessibility,Country (of organization),"
        + "Organization categorization,Link,Training code accessibility,Domain,Abstract\n"
}

@Suite struct ImportTests {}

// MARK: Hugging Face listings

extension ImportTests {
@Suite struct HuggingFace {
    @Test func observedOnIsRequiredAndNothingLoadsWithoutIt() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        let listing = try box.write("listing.json", ImpFixture.listingArray())
        let run = try box.impIngestFails(listing, "--format", "hf-models")
        #expect(run.stderr.contains("--observed-on"), "\(run.stderr)")
        #expect(try box.impCount("models") == 0)
        #expect(try box.impCount("observations") == 0)
        // An impossible date is refused too.
        let bad = try box.run(["ingest", listing, "--format", "hf-models", "--observed-on", "2025-02-30"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--observed-on"), "\(bad.stderr)")
    }

    @Test func listingMapsNamespacesLicencesParametersAndDates() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        try box.write("listing.json", ImpFixture.listingArray())
        let run = try box.impIngestOK("listing.json", "--format", "hf-models", "--observed-on", "2025-06-01")

        // Known namespaces map onto the organizations that list them (case-insensitively for Qwen).
        #expect(try box.impSQL("SELECT id, organization FROM models ORDER BY id") == [
            "Qwen/Qwen2.5-7B|alibaba", "deepseek-ai/DeepSeek-R1|deepseek", "meta-llama/Llama-3.1-8B|meta", "tiny-lab/Tiny-1B|tiny-lab",
        ])
        // Licence → openness; safetensors.total → billions; createdAt → released_on.
        #expect(try box.impSQL("SELECT name, license, openness, params_total_b, released_on, modality FROM models WHERE id = 'deepseek-ai/DeepSeek-R1'")
            == ["DeepSeek-R1|mit|open-weights|671.0264192|2025-01-20|text-generation"])
        #expect(try box.impSQL("SELECT license, openness, params_total_b, released_on FROM models WHERE id = 'meta-llama/Llama-3.1-8B'")
            == ["llama3.1|restricted-weights|8.030261248|2024-07-18"])
        #expect(try box.impSQL("SELECT license, openness, params_total_b IS NULL FROM models WHERE id = 'Qwen/Qwen2.5-7B'")
            == ["apache-2.0|open-weights|1"])
        // Missing tags, safetensors and pipeline_tag leave the fields empty.
        #expect(try box.impSQL("SELECT license IS NULL, openness IS NULL, params_total_b IS NULL, modality IS NULL, released_on FROM models WHERE id = 'tiny-lab/Tiny-1B'")
            == ["1|1|1|1|2025-03-01"])
        // Each model has its release, dated by createdAt.
        #expect(try box.impSQL("SELECT m.id, r.organization, r.released_on FROM models m JOIN releases r ON r.id = m.release ORDER BY m.id") == [
            "Qwen/Qwen2.5-7B|alibaba|2024-09-15", "deepseek-ai/DeepSeek-R1|deepseek|2025-01-20",
            "meta-llama/Llama-3.1-8B|meta|2024-07-18", "tiny-lab/Tiny-1B|tiny-lab|2025-03-01",
        ])

        // The unknown namespace became an organization (ZZ, community) and the summary says so.
        #expect(try box.impSQL("SELECT id, country, kind, hf_namespaces FROM organizations WHERE id NOT IN ('deepseek', 'meta', 'alibaba')")
            == ["tiny-lab|ZZ|community|tiny-lab"])
        let notes = run.stdout.split(separator: "\n").filter { $0.contains("note:") }
        #expect(notes.count == 1 && notes[0].contains("tiny-lab") && notes[0].contains("ZZ"), "\(run.stdout)")
        #expect(!notes.joined().contains("deepseek-ai") && !notes.joined().contains("Qwen"), "\(run.stdout)")

        // The metrics were created, and both observations of each model stored on the snapshot date.
        #expect(try box.impSQL("SELECT id, kind, coalesce(window_days, '') FROM metrics ORDER BY id")
            == ["hf_downloads_30d|window|30", "hf_likes|cumulative|"])
        #expect(try box.impSQL("""
            SELECT m.id, k.id, date(o.observed_day * 86400, 'unixepoch'), o.value FROM observations o JOIN models m ON m.key = o.model
            JOIN metrics k ON k.key = o.metric WHERE m.id = 'deepseek-ai/DeepSeek-R1' ORDER BY k.id
            """) == ["deepseek-ai/DeepSeek-R1|hf_downloads_30d|2025-06-01|1234567.0", "deepseek-ai/DeepSeek-R1|hf_likes|2025-06-01|12800.0"])
        #expect(try box.impCount("observations") == 8)
    }

    @Test func existingMetricsAreKeptAsTheyAre() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.write("metrics.csv", """
            id,name,unit,kind,window_days,higher_is_better,description
            hf_downloads_30d,Downloads (curated name),downloads,window,30,,curated

            """)
        try box.impIngestOK("organizations.csv", "metrics.csv")
        try box.write("listing.json", ImpFixture.listingArray())
        try box.impIngestOK("listing.json", "--format", "hf-models", "--observed-on", "2025-06-01")
        #expect(try box.impSQL("SELECT id, name, description FROM metrics ORDER BY id")
            == ["hf_downloads_30d|Downloads (curated name)|curated", "hf_likes|Hugging Face likes|The Hub API's likes field at the snapshot date"])
    }

    @Test func jsonLinesListingLoadsLikeTheArray() throws {
        let array = try Sandbox(), lines = try Sandbox()
        for box in [array, lines] {
            try box.write("organizations.csv", ImpFixture.organizations)
            try box.impIngestOK("organizations.csv")
        }
        try array.write("listing.json", ImpFixture.listingArray())
        try array.impIngestOK("listing.json", "--format", "hf-models", "--observed-on", "2025-06-01")
        try lines.write("listing.jsonl", ImpFixture.listingLines())
        try lines.impIngestOK("listing.jsonl", "--format", "hf-models", "--observed-on", "2025-06-01")
        let everything = "SELECT m.id, m.organization, m.released_on, m.params_total_b, m.openness, date(o.observed_day * 86400, 'unixepoch'), o.value FROM models m LEFT JOIN observations o ON o.model = m.key ORDER BY 1, 7"
        #expect(try lines.impSQL(everything).count == 8)
        #expect(try lines.impSQL(everything) == array.impSQL(everything))
        #expect(try lines.impTableCounts() == array.impTableCounts())
    }

    @Test func repeatedSnapshotIsANoOp() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        try box.write("listing.json", ImpFixture.listingArray())
        try box.impIngestOK("listing.json", "--format", "hf-models", "--observed-on", "2025-06-01")
        let before = try box.impTableCounts()
        let snapshot = try box.impSQL("SELECT * FROM observations ORDER BY 1, 2, 3") + box.impSQL("SELECT * FROM models ORDER BY 1")
            + box.impSQL("SELECT * FROM organizations ORDER BY 1") + box.impSQL("SELECT * FROM releases ORDER BY 1")

        let again = try box.impIngestOK("listing.json", "--format", "hf-models", "--observed-on", "2025-06-01")
        let lines = again.stdout.split(separator: "\n").filter { $0.contains("→") }.map(String.init)
        #expect(!lines.isEmpty, "\(again.stdout)")
        for line in lines {
            let counts = impSummaryCounts(line)
            #expect(counts["inserted"] == 0 && counts["updated"] == 0 && counts["skipped"] == 0, "\(line)")
            #expect(counts["unchanged"] == counts["read"], "\(line)")
        }
        #expect(impSummaryCounts(impSummaryLine(again.stdout, "observations"))["unchanged"] == 8, "\(again.stdout)")
        // No second note: the namespace is now an organization's.
        #expect(!again.stdout.contains("note:"), "\(again.stdout)")
        #expect(try box.impTableCounts() == before)
        #expect(try box.impSQL("SELECT * FROM observations ORDER BY 1, 2, 3") + box.impSQL("SELECT * FROM models ORDER BY 1")
            + box.impSQL("SELECT * FROM organizations ORDER BY 1") + box.impSQL("SELECT * FROM releases ORDER BY 1") == snapshot)
    }

    @Test func aSnapshotAMonthLaterAddsObservationsOnly() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        try box.write("listing-2025-06-01.json", ImpFixture.listingArray())
        try box.write("listing-2025-07-01.jsonl", ImpFixture.listingLines(downloadsScale: 2))
        try box.impIngestOK("listing-2025-06-01.json", "--format", "hf-models", "--observed-on", "2025-06-01")
        let before = try box.impTableCounts()
        let models = try box.impSQL("SELECT * FROM models ORDER BY 1")
        let organizations = try box.impSQL("SELECT * FROM organizations ORDER BY 1")

        let run = try box.impIngestOK("listing-2025-07-01.jsonl", "--format", "hf-models", "--observed-on", "2025-07-01")
        #expect(impSummaryCounts(impSummaryLine(run.stdout, "observations")) ==
                ["read": 8, "inserted": 8, "updated": 0, "unchanged": 0, "skipped": 0], "\(run.stdout)")
        for entity in ["organizations", "releases", "models"] {
            let counts = impSummaryCounts(impSummaryLine(run.stdout, entity))
            #expect((counts["inserted"] ?? 0) == 0 && (counts["updated"] ?? 0) == 0, "\(entity): \(run.stdout)")
        }
        #expect(!run.stdout.contains("note:"), "\(run.stdout)")
        var after = try box.impTableCounts()
        #expect(after["observations"] == 16)
        after["observations"] = before["observations"]
        #expect(after == before)
        #expect(try box.impSQL("SELECT * FROM models ORDER BY 1") == models)
        #expect(try box.impSQL("SELECT * FROM organizations ORDER BY 1") == organizations)
        #expect(try box.impSQL("""
            SELECT date(o.observed_day * 86400, 'unixepoch'), o.value FROM observations o JOIN models m ON m.key = o.model JOIN metrics k ON k.key = o.metric
            WHERE m.id = 'meta-llama/Llama-3.1-8B' AND k.id = 'hf_downloads_30d' ORDER BY 1
            """) == ["2025-06-01|5000000.0", "2025-07-01|10000000.0"])
    }

    @Test func anObjectWithoutIdIsARowError() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        let objects = ImpFixture.listingObjects()
        try box.write("listing.jsonl", ([objects[0], #"{"author": "nobody", "downloads": 5, "likes": 1}"#, objects[2]]).joined(separator: "\n") + "\n")
        let run = try box.impIngestFails("listing.jsonl", "--format", "hf-models", "--observed-on", "2025-06-01")
        #expect(run.stderr.contains("listing.jsonl:2: field id: is required"), "\(run.stderr)")
        #expect(try box.impCount("models") == 0)
        #expect(try box.impCount("observations") == 0)

        let skipping = try box.impIngestOK("listing.jsonl", "--format", "hf-models", "--observed-on", "2025-06-01", "--skip-invalid")
        #expect(impSummaryCounts(impSummaryLine(skipping.stdout, "models"))["skipped"] == 1, "\(skipping.stdout)")
        #expect(try box.impSQL("SELECT id FROM models ORDER BY id") == ["Qwen/Qwen2.5-7B", "deepseek-ai/DeepSeek-R1"])
        #expect(try box.impSQL("SELECT DISTINCT line FROM rejects") == ["2"])
        #expect(try box.impSQL("SELECT DISTINCT line, field FROM rejects WHERE field = 'id'") == ["2|id"])
    }

    @Test func missingCreatedAtOrCountsAffectOnlyThatObject() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        try box.write("listing.jsonl", """
            {"id": "deepseek-ai/Old-Model", "author": "deepseek-ai", "downloads": 5, "likes": 1}
            {"id": "deepseek-ai/DeepSeek-V3", "createdAt": "2024-12-26T00:00:00.000Z", "likes": 3}

            """)
        // No createdAt: no release date for the model, a row error that names the field.
        let run = try box.impIngestFails("listing.jsonl", "--format", "hf-models", "--observed-on", "2025-06-01")
        #expect(run.stderr.contains("listing.jsonl:1: field released_on: is required"), "\(run.stderr)")
        #expect(try box.impCount("models") == 0)
        try box.impIngestOK("listing.jsonl", "--format", "hf-models", "--observed-on", "2025-06-01", "--skip-invalid")
        #expect(try box.impSQL("SELECT DISTINCT line FROM rejects") == ["1"])
        // No downloads in the object: only its likes are observed.
        #expect(try box.impSQL("""
            SELECT m.id, k.id, o.value FROM observations o JOIN models m ON m.key = o.model JOIN metrics k ON k.key = o.metric
            """) == ["deepseek-ai/DeepSeek-V3|hf_likes|3.0"])
        #expect(try box.impSQL("SELECT id, organization, released_on FROM models") == ["deepseek-ai/DeepSeek-V3|deepseek|2024-12-26"])
    }

    @Test func anObjectWithoutIdIsReportedOnceWithItsOwnReason() throws {
        // The missing id is the row's one problem: no echoes of it as a missing id, name or
        // organization from the generic checks (the object has an author).
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        let objects = ImpFixture.listingObjects()
        try box.write("listing.jsonl", ([objects[0], #"{"author": "deepseek-ai", "downloads": 5, "likes": 1}"#, objects[2]]).joined(separator: "\n") + "\n")
        let run = try box.impIngestFails("listing.jsonl", "--format", "hf-models", "--observed-on", "2025-06-01")
        let problems = run.stderr.split(separator: "\n").filter { $0.contains("listing.jsonl:2:") }
        #expect(problems == ["listing.jsonl:2: field id: is required (a Hugging Face repo id, author/name)"], "\(run.stderr)")
        try box.impIngestOK("listing.jsonl", "--format", "hf-models", "--observed-on", "2025-06-01", "--skip-invalid")
        #expect(try box.impSQL("SELECT line, field, reason FROM rejects") == ["2|id|is required (a Hugging Face repo id, author/name)"])
    }

    @Test func aModelAlreadyStoredKeepsItsCuratedFields() throws {
        let box = try Sandbox()
        try box.write("seed/organizations.csv", ImpFixture.organizations)
        try box.write("seed/releases.csv", """
            id,organization,name,released_on,url
            deepseek-r1,deepseek,DeepSeek-R1,2025-01-20,

            """)
        try box.write("seed/models.csv", """
            id,organization,name,release,released_on,family,params_total_b,params_active_b,architecture,modality,license,openness,url
            deepseek-ai/DeepSeek-R1,deepseek,DeepSeek R1 (curated),deepseek-r1,,DeepSeek-R1,671,37,moe,text,MIT,open-weights,https://huggingface.co/deepseek-ai/DeepSeek-R1

            """)
        try box.impIngestOK("seed")
        let curated = try box.impSQL("SELECT * FROM models WHERE id = 'deepseek-ai/DeepSeek-R1'")
        #expect(curated.count == 1)
        try box.write("listing.json", ImpFixture.listingArray())
        try box.impIngestOK("listing.json", "--format", "hf-models", "--observed-on", "2025-06-01")
        #expect(try box.impSQL("SELECT * FROM models WHERE id = 'deepseek-ai/DeepSeek-R1'") == curated)
        #expect(try box.impSQL("SELECT family, name, params_total_b, release FROM models WHERE id = 'deepseek-ai/DeepSeek-R1'")
            == ["DeepSeek-R1|DeepSeek R1 (curated)|671.0|deepseek-r1"])
        // No second release for it, but its observations are added.
        #expect(try box.impValue("SELECT count(*) FROM releases WHERE organization = 'deepseek'") == "1")
        #expect(try box.impValue("SELECT count(*) FROM observations o JOIN models m ON m.key = o.model WHERE m.id = 'deepseek-ai/DeepSeek-R1'") == "2")
        #expect(try box.impCount("models") == 4)
    }

    @Test func theFormatIsDetectedFromTheContent() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        try box.write("hub-2025-06-01.json", ImpFixture.listingArray())
        try box.write("hub-2025-06-02.jsonl", ImpFixture.listingLines())
        try box.impIngestOK("hub-2025-06-01.json", "--observed-on", "2025-06-01")
        #expect(try box.impCount("models") == 4)
        try box.impIngestOK("hub-2025-06-02.jsonl", "--observed-on", "2025-06-02")
        #expect(try box.impCount("observations") == 16)
        #expect(try box.impSQL("SELECT DISTINCT format FROM batches WHERE path LIKE '%hub-%'") == ["hf-models"])
    }

    @Test func aFileNamedModelsJsonStaysTheInterchangeFormat() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        try box.write("models.json", ImpFixture.listingArray())
        let run = try box.impIngestFails("models.json", "--observed-on", "2025-06-01")
        // Read as models: the Hub's keys are not fields of models.
        #expect(run.stderr.contains("field downloads: is not a field of models"), "\(run.stderr)")
        #expect(run.stdout.contains("→ models: FAILED"), "\(run.stdout)")
        #expect(try box.impCount("models") == 0)
        #expect(try box.impCount("metrics") == 0)
    }
}
}

// MARK: Epoch AI

extension ImportTests {
@Suite struct Epoch {
    static var file: String { get throws { try fixture("epoch-ai/notable-ai-models.csv") } }

    @Test func theRealFileFailsWithoutSkipInvalidAndLoadsNothing() throws {
        let box = try Sandbox()
        let run = try box.impIngestFails(Self.file, "--format", "epoch")
        #expect(run.stderr.contains("field organization: is required"), "\(run.stderr)")
        #expect(run.stderr.contains("nothing of this file was loaded"), "\(run.stderr)")
        #expect(run.stderr.contains("--skip-invalid"), "\(run.stderr)")
        #expect(try box.impCount("models") == 0)
        #expect(try box.impCount("organizations") == 0)
    }

    @Test func theFailureMessageCountsTheFilesRows() throws {
        // The file has 976 rows (models); 18 of them lack an organization.
        let box = try Sandbox()
        let run = try box.impIngestFails(Self.file, "--format", "epoch")
        #expect(run.stderr.contains("18 of 976 rows are invalid"), "\(run.stderr.split(separator: "\n").last ?? "")")
    }

    @Test func theRealFileLoadsAll976RowsWithSkipInvalid() throws {
        let box = try Sandbox()
        // Detected from the content: no --format.
        let run = try box.impIngestOK(Self.file, "--skip-invalid")
        let models = impSummaryCounts(impSummaryLine(run.stdout, "models"))
        // 976 rows read; the 18 rows with an empty Organization cell are skipped, and said so.
        #expect(models["read"] == 976, "\(run.stdout)")
        #expect(models["skipped"] == 18, "\(run.stdout)")
        #expect(try box.impSQL("SELECT DISTINCT b.entity, r.field, r.reason FROM rejects r JOIN batches b ON b.id = r.batch") == ["models|organization|is required"])
        #expect(try box.impCount("rejects") == 18)
        #expect(try box.impSQL("SELECT DISTINCT format FROM batches") == ["epoch"])
        // Every one of the 976 - 18 = 958 valid rows is a model of its own.
        #expect(try box.impCount("models") == 958)
    }

    @Test func distinctModelsWithSimilarNamesStayDistinct() throws {
        // "DeepLabV3" and "DeepLabV3+" (Google), "PointNet" and "PointNet++" (Stanford) are
        // different models in the Epoch file.
        let box = try Sandbox()
        try box.impIngestOK(Self.file, "--skip-invalid")
        #expect(try box.impSQL("SELECT name FROM models WHERE name LIKE 'DeepLabV3%' ORDER BY name") == ["DeepLabV3", "DeepLabV3+"])
        #expect(try box.impSQL("SELECT name FROM models WHERE name LIKE 'PointNet%' ORDER BY name") == ["PointNet", "PointNet++"])
    }

    @Test func spotChecksAgainstTheSource() throws {
        let box = try Sandbox()
        try box.impIngestOK(Self.file, "--skip-invalid")
        // DeepSeek-R1: DeepSeek, China, 671000000000.0 parameters, 2025-01-20, Open weights (unrestricted).
        #expect(try box.impSQL("""
            SELECT o.name, o.country, o.kind, m.params_total_b, m.released_on, m.openness
            FROM models m JOIN organizations o ON o.id = m.organization WHERE m.name = 'DeepSeek-R1'
            """) == ["DeepSeek|CN|company|671.0|2025-01-20|open-weights"])
        // Llama 3.1-405B: Meta AI, United States of America, Open weights (restricted use).
        #expect(try box.impSQL("""
            SELECT o.name, o.country, m.params_total_b, m.released_on, m.openness
            FROM models m JOIN organizations o ON o.id = m.organization WHERE m.name = 'Llama 3.1-405B'
            """) == ["Meta AI|US|405.0|2024-07-23|restricted-weights"])
        // BLOOM-176B: "Hugging Face,BigScience" in "United States of America,France": the model
        // belongs to the first; both organizations exist with their own country and kind.
        #expect(try box.impSQL("SELECT organization, params_total_b FROM models WHERE name = 'BLOOM-176B'")
            == ["hugging-face|176.247271424"])
        #expect(try box.impSQL("SELECT id, name, country, kind FROM organizations WHERE name IN ('Hugging Face', 'BigScience') ORDER BY id")
            == ["bigscience|BigScience|FR|community", "hugging-face|Hugging Face|US|company"])
        // A Hugging Face link gives the model its repo id; a model name with a line break is one line.
        #expect(try box.impSQL("SELECT id, name, openness FROM models WHERE url = 'https://huggingface.co/upstage/Solar-Open-100B'")
            == ["upstage/Solar-Open-100B|Solar Open 100B|closed"])
    }

    @Test func reloadingTheRealFileChangesNothing() throws {
        let box = try Sandbox()
        try box.impIngestOK(Self.file, "--skip-invalid")
        let before = try box.impTableCounts()
        let models = try box.impSQL("SELECT * FROM models ORDER BY key")
        let run = try box.impIngestOK(Self.file, "--skip-invalid")
        for entity in ["organizations", "models"] {
            let counts = impSummaryCounts(impSummaryLine(run.stdout, entity))
            #expect(counts["inserted"] == 0 && counts["updated"] == 0, "\(entity): \(run.stdout)")
        }
        #expect(try box.impTableCounts() == before)
        #expect(try box.impSQL("SELECT * FROM models ORDER BY key") == models)
    }

    static let handMade = ImpFixture.epochHeader + """
        Big Model,"Lab One,Uni Two",2024-05-01,7000000000.0,Open weights (unrestricted),"United States of America,United Kingdom of Great Britain and Northern Ireland","Industry,Academia",https://example.com/big,Open source,Language,"An abstract
        on two lines, with a comma"
        Gated Model,Lab One,2024-06-01,,Open weights (restricted use),United States of America,Industry,https://example.com/gated,,Language,
        NC Model,Lab One,2024-06-02,,Open weights (non-commercial),United States of America,Industry,,,Vision,
        API Model,Lab One,2024-06-03,,API access,United States of America,Industry,,,Language,
        Secret Model,Lab One,2024-06-04,,Unreleased,United States of America,Industry,,,Language,
        Hub Model,New Collective,2024-07-01,1500000000.0,Open weights (unrestricted),France,,https://huggingface.co/newco/Hub-Model-1.5B,,Language,
        Orphan Model,,2024-08-01,,Unreleased,,,,,Language,
        Undated Model,Lab One,,,Unreleased,United States of America,Industry,,,Language,

        """

    @Test func handMadeFileWithAwkwardRows() throws {
        let box = try Sandbox()
        try box.write("notable.csv", Self.handMade)
        // Two rows lack a required field: without --skip-invalid nothing loads.
        let failed = try box.impIngestFails("notable.csv", "--format", "epoch")
        #expect(failed.stderr.contains("notable.csv:9: field organization: is required"), "\(failed.stderr)")
        #expect(failed.stderr.contains("notable.csv:10: field released_on"), "\(failed.stderr)")
        #expect(try box.impCount("models") == 0 && box.impCount("organizations") == 0)

        let run = try box.impIngestOK("notable.csv", "--skip-invalid")
        #expect(impSummaryCounts(impSummaryLine(run.stdout, "models")) ==
                ["read": 8, "inserted": 6, "updated": 0, "unchanged": 0, "skipped": 2], "\(run.stdout)")
        #expect(try box.impSQL("SELECT line, field FROM rejects ORDER BY line") == ["9|organization", "10|released_on"])
        #expect(try box.impSQL("SELECT name, organization, openness FROM models ORDER BY name") == [
            "API Model|lab-one|closed", "Big Model|lab-one|open-source", "Gated Model|lab-one|restricted-weights",
            "Hub Model|new-collective|open-weights", "NC Model|lab-one|restricted-weights", "Secret Model|lab-one|closed",
        ])
        #expect(try box.impSQL("SELECT id, params_total_b, released_on, modality FROM models WHERE name IN ('Big Model', 'Hub Model') ORDER BY name")
            == ["lab-one/big-model|7.0|2024-05-01|language", "newco/Hub-Model-1.5B|1.5|2024-07-01|language"])
        // Several organizations in one cell line up with their countries and categories; an
        // organization with no categorization is community, and the summary says how many.
        #expect(try box.impSQL("SELECT id, country, kind FROM organizations ORDER BY id")
            == ["lab-one|US|company", "new-collective|FR|community", "uni-two|GB|academic"])
        #expect(run.stdout.contains("note: 1 organization(s) had no categorization"), "\(run.stdout)")
    }

    @Test func aModelStoredUnderItsHubIdIsNotDuplicatedNorOverwritten() throws {
        let box = try Sandbox()
        try box.write("seed/organizations.csv", ImpFixture.organizations)
        try box.write("seed/models.csv", """
            id,organization,name,release,released_on,family,params_total_b,params_active_b,architecture,modality,license,openness,url
            deepseek-ai/DeepSeek-R1,deepseek,DeepSeek-R1,,2025-01-20,DeepSeek-R1,671,37,moe,text,MIT,open-weights,https://huggingface.co/deepseek-ai/DeepSeek-R1

            """)
        try box.impIngestOK("seed")
        let curated = try box.impSQL("SELECT * FROM models")
        try box.write("notable.csv", ImpFixture.epochHeader + """
            DeepSeek-R1,DeepSeek,2025-01-20,671000000000.0,Open weights (unrestricted),China,Industry,https://api-docs.deepseek.com/news/news250120,Unreleased,Language,

            """)
        try box.impIngestOK("notable.csv")
        #expect(try box.impSQL("SELECT * FROM models") == curated)
        #expect(try box.impSQL("SELECT id, name, country FROM organizations WHERE id = 'deepseek'") == ["deepseek|DeepSeek|CN"])
        #expect(try box.impCount("organizations") == 3)
    }
}
}

// MARK: Column mappings

extension ImportTests {
@Suite struct Mapping {
    static let modelColumns = ["--column", "id=model_url|strip-prefix:https://huggingface.co/", "--column", "name=model_name",
                               "--column", "released_on=date", "--set", "organization=kblab"]
    static let observationColumns = ["--column", "model=model_url|strip-prefix:https://huggingface.co/", "--column", "observed_on=date",
                                     "--column", "value=downloads|number", "--set", "metric=hf_downloads_30d"]

    /// Three monthly snapshots in the shape of KBLab's (kb-labb/huggingface_stats,
    /// data/models/YYYY-MM-DD_hf.csv), which state no licence and so are not committed:
    /// the same header, a model under the older KB namespace, a count with a thousands
    /// separator, and models appearing in later snapshots. More than 30 days apart, so no
    /// two 30-day windows overlap.
    static let snapshots = [
        "2022-02-18_hf.csv": """
            model_url,downloads,organization,model_name,date
            https://huggingface.co/KB/bert-base-swedish-cased,16509,KB,bert-base-swedish-cased,2022-02-18
            https://huggingface.co/KBLab/wav2vec2-large-voxrex-swedish,1356,KBLab,wav2vec2-large-voxrex-swedish,2022-02-18

            """,
        "2022-03-21_hf.csv": """
            model_url,downloads,organization,model_name,date
            https://huggingface.co/KB/bert-base-swedish-cased,17000,KB,bert-base-swedish-cased,2022-03-21
            https://huggingface.co/KBLab/wav2vec2-large-voxrex-swedish,"1,500",KBLab,wav2vec2-large-voxrex-swedish,2022-03-21
            https://huggingface.co/KBLab/sentence-bert-swedish-cased,42,KBLab,sentence-bert-swedish-cased,2022-03-21

            """,
        "2026-08-19_hf.csv": """
            model_url,downloads,organization,model_name,date
            https://huggingface.co/KB/bert-base-swedish-cased,20000,KB,bert-base-swedish-cased,2026-08-19
            https://huggingface.co/KBLab/sentence-bert-swedish-cased,300000,KBLab,sentence-bert-swedish-cased,2026-08-19
            https://huggingface.co/KBLab/kb-whisper-large,1200000,KBLab,kb-whisper-large,2026-08-19

            """,
    ]

    func loadKBLab(_ box: Sandbox) throws -> (models: Run, observations: Run) {
        for (name, text) in Self.snapshots { try box.write("kblab/\(name)", text) }
        try box.write("kblab-org.csv", """
            id,name,country,kind,hf_namespaces,url
            kblab,KBLab (National Library of Sweden),SE,government,KBLab,https://www.kb.se/

            """)
        try box.write("kb-metrics.csv", """
            id,name,unit,kind,window_days
            hf_downloads_30d,"Hugging Face downloads, last 30 days",downloads,window,30

            """)
        try box.impIngestOK("kblab-org.csv", "--into", "organizations")
        try box.impIngestOK("kb-metrics.csv", "--into", "metrics")
        let models = try box.run(["ingest", "-q", "kblab", "--into", "models", "--insert-only"] + Self.modelColumns)
        #expect(models.status == 0, "\(models.stderr)")
        let observations = try box.run(["ingest", "-q", "kblab", "--into", "observations"] + Self.observationColumns)
        #expect(observations.status == 0, "\(observations.stderr)")
        return (models, observations)
    }

    @Test func kblabSnapshotsLoadAsDownloadObservations() throws {
        let box = try Sandbox()
        let (models, observations) = try loadKBLab(box)
        #expect(models.stdout.split(separator: "\n").filter { $0.contains("→ models: loaded") }.count == 3, "\(models.stdout)")
        #expect(observations.stdout.split(separator: "\n").filter { $0.contains("→ observations: loaded") }.count == 3, "\(observations.stdout)")
        // Four distinct models across the snapshots; 2 + 3 + 3 rows.
        #expect(try box.impCount("models") == 4)
        #expect(try box.impCount("observations") == 8)
        #expect(try box.impSQL("SELECT DISTINCT organization FROM models") == ["kblab"])
        #expect(try box.impSQL("SELECT DISTINCT k.id FROM observations o JOIN metrics k ON k.key = o.metric") == ["hf_downloads_30d"])
        // 16509 + 1356 + 17000 + 1500 + 42 + 20000 + 300000 + 1200000 = 1556407
        #expect(try box.impSQL("SELECT date(min(observed_day) * 86400, 'unixepoch'), date(max(observed_day) * 86400, 'unixepoch'), count(DISTINCT observed_day), sum(value) FROM observations")
            == ["2022-02-18|2026-08-19|3|1556407.0"])
        #expect(try box.impSQL("""
            SELECT o.value FROM observations o JOIN models m ON m.key = o.model
            WHERE m.id = 'KBLab/wav2vec2-large-voxrex-swedish' AND date(o.observed_day * 86400, 'unixepoch') = '2022-03-21'
            """) == ["1500.0"])
        // With --insert-only a model's first snapshot dates it.
        #expect(try box.impSQL("SELECT id, name, released_on FROM models ORDER BY id") == [
            "KB/bert-base-swedish-cased|bert-base-swedish-cased|2022-02-18",
            "KBLab/kb-whisper-large|kb-whisper-large|2026-08-19",
            "KBLab/sentence-bert-swedish-cased|sentence-bert-swedish-cased|2022-03-21",
            "KBLab/wav2vec2-large-voxrex-swedish|wav2vec2-large-voxrex-swedish|2022-02-18",
        ])
    }

    @Test func reloadingTheKBLabSnapshotsChangesNothing() throws {
        let box = try Sandbox()
        _ = try loadKBLab(box)
        let again = try box.run(["ingest", "-q", "kblab", "--into", "observations"] + Self.observationColumns)
        #expect(again.status == 0, "\(again.stderr)")
        let lines = again.stdout.split(separator: "\n").filter { $0.contains("→ observations:") }.map(String.init)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { impSummaryCounts($0)["inserted"] == 0 && impSummaryCounts($0)["updated"] == 0 }, "\(again.stdout)")
        #expect(try box.impCount("observations") == 8)
    }

    @Test func queriesOnTheKBLabSnapshots() throws {
        let box = try Sandbox()
        _ = try loadKBLab(box)
        let byOrganization = try box.owl("query", "download-share", "--metric", "hf_downloads_30d", "--by", "organization",
                                         "--to", "2026-12-31", "--format", "csv")
        #expect(byOrganization.status == 0, "\(byOrganization.stderr)")
        // One organization holds everything; the amount itself is checked against hand-worked numbers in MeasureTests.
        let organizationLines = byOrganization.stdout.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n")
        #expect(organizationLines.first == "group,value,share_pct,models,coverage_pct", "\(byOrganization.stdout)")
        #expect(organizationLines.count == 2 && organizationLines[1].hasPrefix("kblab,") && organizationLines[1].split(separator: ",")[2] == "100",
                "\(byOrganization.stdout)")
        let byCountry = try box.owl("query", "download-share", "--metric", "hf_downloads_30d", "--by", "country",
                                    "--from", "2026-07-01", "--to", "2026-08-31", "--format", "csv")
        #expect(byCountry.status == 0, "\(byCountry.stderr)")
        let lines = byCountry.stdout.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n")
        #expect(lines.count == 2 && lines[1].hasPrefix("SE,") && lines[1].split(separator: ",")[2] == "100", "\(byCountry.stdout)")
        // The leaderboard ranks cumulative metrics or scores; a window metric is refused with a reason.
        let leaderboard = try box.owl("query", "leaderboard", "--metric", "hf_downloads_30d", "--format", "csv")
        #expect(leaderboard.status == 1)
        #expect(leaderboard.stderr.contains("window"), "\(leaderboard.stderr)")
    }

    static let downloads = """
        model_url,downloads,organization,model_name,date
        https://huggingface.co/KBLab/alpha,"1,234,567",KBLab,alpha,1/2/2025
        https://huggingface.co/KBLab/beta,12,KBLab,beta,15/03/2025

        """

    func prepareSmall(_ box: Sandbox) throws {
        try box.write("seed/organizations.csv", "id,name,country,kind,hf_namespaces,url\nkblab,KBLab,SE,government,KBLab,\n")
        try box.write("seed/releases.csv", "id,organization,name,released_on,url\n")
        try box.write("seed/models.csv", """
            id,organization,name,released_on
            KBLab/alpha,kblab,alpha,2024-01-01
            KBLab/beta,kblab,beta,2024-01-01

            """)
        try box.write("seed/metrics.csv", "id,name,unit,kind,window_days\nhf_downloads_30d,Downloads,downloads,window,30\n")
        try box.impIngestOK("seed")
        try box.write("dl.csv", Self.downloads)
    }

    static let expected = ["KBLab/alpha|hf_downloads_30d|2025-02-01|1234567.0", "KBLab/beta|hf_downloads_30d|2025-03-15|12.0"]
    static let observationsSQL = """
        SELECT m.id, k.id, date(o.observed_day * 86400, 'unixepoch'), o.value FROM observations o JOIN models m ON m.key = o.model
        JOIN metrics k ON k.key = o.metric ORDER BY 1
        """

    @Test func transformsNumbersAndDayFirstDates() throws {
        let box = try Sandbox()
        try prepareSmall(box)
        try box.impIngestOK("dl.csv", "--into", "observations", "--column", "model=model_url|strip-prefix:https://huggingface.co/",
                            "--column", "observed_on=date|date:DD/MM/YYYY", "--column", "value=downloads|number", "--set", "metric=hf_downloads_30d")
        #expect(try box.impSQL(Self.observationsSQL) == Self.expected)
    }

    @Test func mappingFileInJSON() throws {
        let box = try Sandbox()
        try prepareSmall(box)
        try box.write("map.json", """
            {"into": "observations",
             "columns": {"model": "model_url|strip-prefix:https://huggingface.co/", "observed_on": "date|date:DD/MM/YYYY",
                         "value": "downloads|number"},
             "set": {"metric": "hf_downloads_30d", "source": "KBLab stats"}}
            """)
        try box.impIngestOK("dl.csv", "--map", "map.json")
        #expect(try box.impSQL(Self.observationsSQL) == Self.expected)
        #expect(try box.impSQL("SELECT DISTINCT source FROM observations") == ["KBLab stats"])
    }

    @Test func mappingFileInTOML() throws {
        let box = try Sandbox()
        try prepareSmall(box)
        try box.write("map.toml", """
            # KBLab's download statistics
            into = "observations"

            [columns]
            model = "model_url|strip-prefix:https://huggingface.co/"
            observed_on = "date|date:DD/MM/YYYY"
            value = "downloads|number"

            [set]
            metric = "hf_downloads_30d"
            source = "KBLab stats"

            """)
        try box.impIngestOK("dl.csv", "--map", "map.toml")
        #expect(try box.impSQL(Self.observationsSQL) == Self.expected)
        #expect(try box.impSQL("SELECT DISTINCT source FROM observations") == ["KBLab stats"])
    }

    @Test func mappingFileInTOMLWithLiteralStringsCommentsAndInlineTables() throws {
        let box = try Sandbox()
        try prepareSmall(box)
        try box.write("map.toml", #"""
            into = "observations"   # the entity the rows become
            set = { metric = 'hf_downloads_30d', source = "KBLab \"stats\"" }

            [columns]
            model = 'model_url|strip-prefix:https://huggingface.co/'  # a literal string: no escapes
            observed_on = "date|date:DD/MM/YYYY"
            value = """downloads|number"""

            """#)
        try box.impIngestOK("dl.csv", "--map", "map.toml")
        #expect(try box.impSQL(Self.observationsSQL) == Self.expected)
        #expect(try box.impSQL("SELECT DISTINCT source FROM observations") == ["KBLab \"stats\""])
    }

    @Test func anImpossibleDateIsARowErrorNamingTheField() throws {
        let box = try Sandbox()
        try prepareSmall(box)
        try box.write("bad.csv", Self.downloads.replacingOccurrences(of: "15/03/2025", with: "31/02/2025"))
        let run = try box.impIngestFails("bad.csv", "--into", "observations", "--column", "model=model_url|strip-prefix:https://huggingface.co/",
                                         "--column", "observed_on=date|date:DD/MM/YYYY", "--column", "value=downloads|number",
                                         "--set", "metric=hf_downloads_30d")
        #expect(run.stderr.contains("bad.csv:3: field observed_on: is not a date written DD/MM/YYYY (got \"31/02/2025\")"), "\(run.stderr)")
        #expect(try box.impCount("observations") == 0)
    }

    @Test func aColumnNotInTheHeaderSuggestsTheClosest() throws {
        let box = try Sandbox()
        try prepareSmall(box)
        let run = try box.impIngestFails("dl.csv", "--into", "observations", "--column", "model=model_url|strip-prefix:https://huggingface.co/",
                                         "--column", "observed_on=date", "--column", "value=downlods|number", "--set", "metric=hf_downloads_30d")
        #expect(run.stderr.contains("column downlods (for field value) is not in the header; did you mean downloads?"), "\(run.stderr)")
        #expect(try box.impCount("observations") == 0)
    }

    @Test func settingAnUnknownFieldIsAnError() throws {
        let box = try Sandbox()
        try prepareSmall(box)
        let run = try box.impIngestRefused("dl.csv", "--into", "observations", "--column", "model=model_url|strip-prefix:https://huggingface.co/",
                                         "--column", "observed_on=date", "--column", "value=downloads|number", "--set", "metirc=hf_downloads_30d")
        #expect(run.stderr.contains("--set metirc: is not a field of observations; did you mean metric?"), "\(run.stderr)")
        #expect(try box.impCount("observations") == 0)
    }

    @Test func aMappingMissingARequiredFieldOrEntityIsAnError() throws {
        let box = try Sandbox()
        try prepareSmall(box)
        let noMetric = try box.impIngestRefused("dl.csv", "--into", "observations", "--column", "model=model_url",
                                              "--column", "observed_on=date", "--column", "value=downloads|number")
        #expect(noMetric.stderr.contains("gives no metric"), "\(noMetric.stderr)")
        let noInto = try box.impIngestRefused("dl.csv", "--column", "model=model_url")
        #expect(noInto.stderr.contains("--into"), "\(noInto.stderr)")
        let badTransform = try box.impIngestRefused("dl.csv", "--into", "observations", "--column", "model=model_url|trim",
                                                  "--column", "observed_on=date", "--column", "value=downloads", "--set", "metric=hf_downloads_30d")
        #expect(badTransform.stderr.contains("unknown transform"), "\(badTransform.stderr)")
        #expect(try box.impCount("observations") == 0)
    }
}
}
