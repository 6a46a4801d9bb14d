import Foundation
import SQLiteDB
import Testing

// MARK: Fixture: a small valid data set in the interchange format.

enum Fixture {
    static let organizations = """
        id,name,country,kind,hf_namespaces,url
        deepseek,DeepSeek,CN,company,deepseek-ai,https://www.deepseek.com
        meta,Meta,US,company,meta-llama;facebook,https://ai.meta.com

        """
    static let releases = """
        id,organization,name,released_on,url
        deepseek-r1,deepseek,DeepSeek-R1,2025-01-20,
        llama-3.1,meta,Llama 3.1,2024-07-23,

        """
    static let models = """
        id,organization,name,release,released_on,family,params_total_b,params_active_b,architecture,modality,license,openness,url
        deepseek-ai/DeepSeek-R1,deepseek,DeepSeek-R1,deepseek-r1,,DeepSeek-R1,671,37,moe,text,MIT,open-weights,https://huggingface.co/deepseek-ai/DeepSeek-R1
        meta-llama/Llama-3.1-8B,meta,Llama 3.1 8B,llama-3.1,,Llama 3.1,8,,dense,text,Llama 3.1 Community,restricted-weights,

        """
    static let metrics = """
        id,name,unit,kind,window_days,higher_is_better,description
        hf_likes,Hugging Face likes,likes,cumulative,,true,
        hf_downloads_30d,Downloads (30 days),downloads,window,30,,

        """
    static let observations = """
        model,metric,observed_on,value,source
        deepseek-ai/DeepSeek-R1,hf_likes,2025-06-01,12800,hf
        meta-llama/Llama-3.1-8B,hf_downloads_30d,2025-06-01,5000000,hf

        """
    static let files: [(String, String)] = [
        ("organizations.csv", organizations), ("releases.csv", releases), ("models.csv", models),
        ("metrics.csv", metrics), ("observations.csv", observations),
    ]
}

// MARK: Small helpers

extension Sandbox {
    /// Writes the whole fixture into `folder`.
    func writeFixture(in folder: String = "seed") throws {
        for (name, text) in Fixture.files { try write("\(folder)/\(name)", text) }
    }

    /// Initializes owl.sqlite and loads the fixture into it.
    func loadFixture() throws {
        try writeFixture()
        let run = try owl("ingest", "seed")
        #expect(run.status == 0, "\(run.stderr)")
    }

    func writeBytes(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: folder.appending(path: name))
    }

    /// `sqlite3 DB .dump`: every table, every row.
    func dump(_ db: String = "owl.sqlite") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path(db), ".dump"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func rows(_ sql: String) throws -> [[SQLValue]] {
        try Database(path: path("owl.sqlite"), mode: .readOnly).rows(sql)
    }

    func count(_ table: String) throws -> Int64 {
        try rows("SELECT count(*) FROM \(table)")[0][0].integerValue ?? -1
    }

    /// Expects `owl ingest ARGS` to exit 1 with `line` among the lines of standard error.
    func expectRejected(_ args: String..., line: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try self.run(["ingest"] + args)
        #expect(run.status == 1, "exit \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.split(separator: "\n").contains { $0 == line }, "no line \(line) in:\n\(run.stderr)",
                sourceLocation: sourceLocation)
    }
}

func sha256sum(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}

/// End-to-end tests of `owl ingest` on files in temporary folders.
@Suite struct IngestTests {}

let orgHeader = "id,name,country,kind,hf_namespaces,url\n"

// MARK: Readers

extension IngestTests {
@Suite struct Readers {
    @Test func csvQuotedFieldsDoubledQuotesNewlinesCRLFAndBOM() throws {
        let box = try Sandbox()
        let text = "\u{FEFF}id,name,country,kind\r\n"
            + "a,\"Comma, Inc.\",US,company\r\n"
            + "b,\"The \"\"Best\"\" Lab\",FR,academic\r\n"
            + "c,\"Two\r\nLines\",DE,nonprofit\r\n"
            + "d,Plain,ZZ,community"  // no line end at the end of the file
        try box.write("organizations.csv", text)
        let run = try box.owl("ingest", "organizations.csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("organizations.csv → organizations: loaded, 4 read, 4 inserted, 0 updated, 0 unchanged, 0 skipped"))
        let stored = try box.rows("SELECT id, name, country, kind FROM organizations ORDER BY id")
        #expect(stored == [
            [.text("a"), .text("Comma, Inc."), .text("US"), .text("company")],
            [.text("b"), .text("The \"Best\" Lab"), .text("FR"), .text("academic")],
            [.text("c"), .text("Two\r\nLines"), .text("DE"), .text("nonprofit")],
            [.text("d"), .text("Plain"), .text("ZZ"), .text("community")],
        ])
    }

    @Test func csvLFLineEndsAndColumnsInAnyOrder() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", "kind,country,name,id\ncompany,CN,DeepSeek,deepseek\n\nacademic,GB,\"Oxford\nUniversity\",oxford\n")
        let run = try box.owl("ingest", "organizations.csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.rows("SELECT id, name, country, kind FROM organizations ORDER BY id") == [
            [.text("deepseek"), .text("DeepSeek"), .text("CN"), .text("company")],
            [.text("oxford"), .text("Oxford\nUniversity"), .text("GB"), .text("academic")],
        ])
    }

    @Test func lineNumbersCountNewlinesInsideQuotesAndBlankLines() throws {
        let box = try Sandbox()
        // Line 2-3: one row with a quoted newline; line 4 blank; line 5 the bad row.
        try box.write("organizations.csv", orgHeader + "a,\"A\nB\",US,company,,\n\nb,Bee,XX,company,,\n")
        try box.expectRejected("organizations.csv",
            line: "organizations.csv:5: field country: must be an ISO 3166-1 alpha-2 code such as US, CN or FR, or ZZ for unknown (got \"XX\")")
    }

    @Test func jsonArrayOfObjectsLoads() throws {
        let box = try Sandbox()
        try box.write("organizations.json", """
            [
              {"id": "deepseek", "name": "DeepSeek", "country": "CN", "kind": "company", "hf_namespaces": ["deepseek-ai", "deepseek"], "url": null},
              {"id": "meta", "name": "Meta \\"AI\\"", "country": "US", "kind": "company"}
            ]
            """)
        try box.write("metrics.json", """
            [{"id": "mmlu", "name": "MMLU", "unit": "%", "kind": "score", "higher_is_better": false},
             {"id": "dl_7d", "name": "Downloads", "unit": "downloads", "kind": "window", "window_days": 7}]
            """)
        let run = try box.owl("ingest", "organizations.json", "metrics.json")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.rows("SELECT id, name, hf_namespaces, url FROM organizations ORDER BY id") == [
            [.text("deepseek"), .text("DeepSeek"), .text("deepseek-ai;deepseek"), .null],
            [.text("meta"), .text("Meta \"AI\""), .null, .null],
        ])
        #expect(try box.rows("SELECT id, window_days, higher_is_better FROM metrics ORDER BY id") == [
            [.text("dl_7d"), .integer(7), .integer(1)],
            [.text("mmlu"), .null, .integer(0)],
        ])
    }

    @Test func jsonLinesLoads() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", Fixture.organizations)
        try box.write("releases.jsonl", """
            {"id": "deepseek-r1", "organization": "deepseek", "name": "DeepSeek-R1", "released_on": "2025-01-20"}

            {"id": "llama-3.1", "organization": "meta", "name": "Llama 3.1", "released_on": "2024-07-23", "url": "https://ai.meta.com"}\r

            """)
        let run = try box.owl("ingest", "releases.jsonl", "organizations.csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("releases.jsonl → releases: loaded, 2 read, 2 inserted"))
        #expect(try box.rows("SELECT id, organization, released_on, url FROM releases ORDER BY id") == [
            [.text("deepseek-r1"), .text("deepseek"), .text("2025-01-20"), .null],
            [.text("llama-3.1"), .text("meta"), .text("2024-07-23"), .text("https://ai.meta.com")],
        ])
    }

    @Test func invalidUTF8IsAnErrorWithFileLineAndField() throws {
        let box = try Sandbox()
        try box.writeBytes("organizations.csv", Array((orgHeader + "a,Good,US,company,,\nb,").utf8) + [0xC3, 0x28, 0xFF]
            + Array(",FR,company,,\n".utf8))
        try box.expectRejected("organizations.csv", line: "organizations.csv:3: field name: is not valid UTF-8 text")
        #expect(try box.count("organizations") == 0)
    }

    @Test func invalidUTF8InJSONIsAnErrorWithFileAndLine() throws {
        let box = try Sandbox()
        try box.writeBytes("organizations.jsonl", Array("{\"id\": \"a\", \"name\": \"A\", \"country\": \"US\", \"kind\": \"company\"}\n{\"id\": \"b\", \"name\": \"".utf8)
            + [0xFF] + Array("\", \"country\": \"US\", \"kind\": \"company\"}\n".utf8))
        try box.expectRejected("organizations.jsonl", line: "owl: organizations.jsonl:2: JSON syntax error: invalid UTF-8 in a string")
    }

    @Test func unterminatedQuoteIsAnErrorWithFileAndLine() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", orgHeader + "a,A,US,company,,\nb,\"Never closed,US,company,,\nc,C,US,company,,\n")
        try box.expectRejected("organizations.csv",
            line: "owl: organizations.csv:3: unterminated quoted field: a \" opened here is never closed")
        #expect(try box.count("organizations") == 0)
    }

    @Test func strayCharacterAfterAClosingQuoteIsAnError() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", orgHeader + "a,\"A\"x,US,company,,\n")
        try box.expectRejected("organizations.csv",
            line: "owl: organizations.csv:2: unexpected character after a closing quote in cell 2; a quote inside a quoted cell must be doubled (\"\")")
    }

    @Test func wrongNumberOfCellsIsAnErrorWithFileAndLine() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", "id,name,country,kind\na,A,US,company\nb,B,US,company,extra\nc,C,US\n")
        let run = try box.owl("ingest", "organizations.csv")
        #expect(run.status == 1)
        #expect(run.stderr.contains("organizations.csv:3: the row has 5 cells but the header has 4\n"), "\(run.stderr)")
        #expect(run.stderr.contains("organizations.csv:4: the row has 3 cells but the header has 4\n"), "\(run.stderr)")
        #expect(run.stderr.contains("owl: organizations.csv: 2 of 3 rows are invalid; nothing of this file was loaded"))
        #expect(try box.count("organizations") == 0)
    }

    @Test func jsonSyntaxErrorIsAnErrorWithFileAndLine() throws {
        let box = try Sandbox()
        try box.write("organizations.json", """
            [
              {"id": "a", "name": "A", "country": "US", "kind": "company"},
              {"id": "b" "name": "B", "country": "US", "kind": "company"}
            ]
            """)
        try box.expectRejected("organizations.json",
            line: "owl: organizations.json:3: JSON syntax error: expected , or } in an object, found '\"'")
        #expect(try box.count("organizations") == 0)
    }

    @Test func jsonLinesSyntaxErrorNamesItsLine() throws {
        let box = try Sandbox()
        try box.write("organizations.jsonl", """
            {"id": "a", "name": "A", "country": "US", "kind": "company"}
            {"id": "b", "name": "B", "country": "US", "kind": "company"} {"id": "c"}

            """)
        try box.expectRejected("organizations.jsonl",
            line: "owl: organizations.jsonl:2: JSON syntax error: unexpected '{' after the object; JSON Lines holds one object per line")
    }

    @Test func jsonThatIsNotAnArrayIsAnError() throws {
        let box = try Sandbox()
        try box.write("organizations.json", "\n{\"id\": \"a\"}")
        try box.expectRejected("organizations.json",
            line: "owl: organizations.json:2: JSON syntax error: expected a JSON array of objects (starting with [), found '{'")
    }

    @Test func emptyFilesAndFolders() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", "")
        try box.expectRejected("organizations.csv",
            line: "owl: organizations.csv:1: the file is empty; expected a header row naming the fields of organizations")
        try box.write("organizations.json", "  \n")
        try box.expectRejected("organizations.json",
            line: "owl: organizations.json:2: JSON syntax error: the file is empty; expected a JSON array of objects")
        try box.write("empty/README.md", "nothing yet\n")
        try box.expectRejected("empty", line: "owl: empty: the directory holds no data files")
        // A header alone, an empty array and an empty JSON Lines file are valid files with no rows.
        try box.write("organizations.csv", orgHeader)
        try box.write("releases.json", "[]")
        try box.write("metrics.jsonl", "")
        let run = try box.owl("ingest", "organizations.csv", "releases.json", "metrics.jsonl")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("organizations.csv → organizations: loaded, 0 read, 0 inserted"))
        #expect(run.stdout.contains("releases.json → releases: loaded, 0 read, 0 inserted"))
        #expect(run.stdout.contains("metrics.jsonl → metrics: loaded, 0 read, 0 inserted"))
        #expect(try box.count("batches") == 3)
    }

    @Test func jsonNestedValueIsARowError() throws {
        let box = try Sandbox()
        try box.write("organizations.jsonl", "{\"id\": \"a\", \"name\": {\"en\": \"A\"}, \"country\": \"US\", \"kind\": \"company\"}\n")
        try box.expectRejected("organizations.jsonl",
            line: "organizations.jsonl:1: field name: must be a single value, not an array or object")
    }
}

}

// MARK: Validation rules

extension IngestTests {
@Suite struct Validation {
    /// Ingests organizations rows (after the header) and expects exactly `line` among the errors.
    private func expectOrganizationRow(_ row: String, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let box = try Sandbox()
        try box.write("organizations.csv", orgHeader + row + "\n")
        try box.expectRejected("organizations.csv", line: line, sourceLocation: sourceLocation)
        #expect(try box.count("organizations") == 0, sourceLocation: sourceLocation)
    }

    @Test func requiredFields() throws {
        try expectOrganizationRow("a,,US,company,,", "organizations.csv:2: field name: is required")
        try expectOrganizationRow("a,  ,US,company,,", "organizations.csv:2: field name: is required (got \"  \")")
        try expectOrganizationRow(",A,US,company,,", "organizations.csv:2: field id: is required")
        let box = try Sandbox()
        try box.write("organizations.jsonl", "{\"id\": \"a\", \"name\": null, \"country\": \"US\", \"kind\": \"company\"}\n")
        try box.expectRejected("organizations.jsonl", line: "organizations.jsonl:1: field name: is required")
        try box.write("observations.jsonl", "{\"model\": \"m\", \"metric\": \"x\", \"observed_on\": \"2025-01-01\"}\n")
        try box.expectRejected("observations.jsonl", line: "observations.jsonl:1: field value: is required")
    }

    @Test func aMissingRequiredColumnIsNamed() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", "id,name,country\na,A,US\n")
        try box.expectRejected("organizations.csv", line: "owl: organizations.csv:1: field kind: the required column is missing from the header")
    }

    @Test func idShapes() throws {
        let slug = "must be a lower-case slug: letters a-z, digits and . _ -, starting with a letter or digit"
        try expectOrganizationRow("DeepSeek,A,US,company,,", "organizations.csv:2: field id: \(slug) (got \"DeepSeek\")")
        try expectOrganizationRow("-x,A,US,company,,", "organizations.csv:2: field id: \(slug) (got \"-x\")")
        try expectOrganizationRow("a b,A,US,company,,", "organizations.csv:2: field id: \(slug) (got \"a b\")")
        let box = try Sandbox()
        try box.write("organizations.csv", orgHeader + "ok.1_b-c,A,US,company,,\n9lab,B,US,company,,\n")
        #expect(try box.owl("ingest", "organizations.csv").status == 0)
        try box.write("metrics.csv", "id,name,unit,kind\nHF_likes,Likes,likes,cumulative\n")
        try box.expectRejected("metrics.csv", line: "metrics.csv:2: field id: \(slug) (got \"HF_likes\")")
        try box.write("releases.csv", "id,organization,name,released_on\nR1,ok.1_b-c,R,2025-01-01\n")
        try box.expectRejected("releases.csv", line: "releases.csv:2: field id: \(slug) (got \"R1\")")
    }

    @Test func countryCodes() throws {
        try expectOrganizationRow("a,A,us,company,,", "organizations.csv:2: field country: country codes are upper case: use US (got \"us\")")
        try expectOrganizationRow("a,A,China,company,,", "organizations.csv:2: field country: must be an ISO 3166-1 alpha-2 code: use CN (got \"China\")")
        try expectOrganizationRow("a,A,XX,company,,",
            "organizations.csv:2: field country: must be an ISO 3166-1 alpha-2 code such as US, CN or FR, or ZZ for unknown (got \"XX\")")
        try expectOrganizationRow("a,A,USA,company,,", "organizations.csv:2: field country: must be an ISO 3166-1 alpha-2 code: use US (got \"USA\")")
        try expectOrganizationRow("a,A,XK,company,,",
            "organizations.csv:2: field country: must be an ISO 3166-1 alpha-2 code such as US, CN or FR, or ZZ for unknown (got \"XK\")")
        let box = try Sandbox()
        try box.write("organizations.csv", orgHeader + "a,A,ZZ,company,,\nb,B,AQ,company,,\nc,C, FR ,company,,\n")
        let run = try box.owl("ingest", "organizations.csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.rows("SELECT country FROM organizations ORDER BY id") == [[.text("ZZ")], [.text("AQ")], [.text("FR")]])
    }

    @Test func enumerations() throws {
        try expectOrganizationRow("a,A,US,compnay,,",
            "organizations.csv:2: field kind: must be one of company, academic, nonprofit, community, government; did you mean company? (got \"compnay\")")
        try expectOrganizationRow("a,A,US,startup,,",
            "organizations.csv:2: field kind: must be one of company, academic, nonprofit, community, government (got \"startup\")")
        let box = try Sandbox()
        try box.write("metrics.csv", "id,name,unit,kind\nx,X,u,scores\n")
        try box.expectRejected("metrics.csv",
            line: "metrics.csv:2: field kind: must be one of cumulative, window, score; did you mean score? (got \"scores\")")
        try box.write("organizations.csv", Fixture.organizations)
        #expect(try box.owl("ingest", "organizations.csv").status == 0)
        try box.write("models.csv", "id,organization,name,released_on,architecture,openness\nm,meta,M,2025-01-01,MoE,open weights\n")
        let run = try box.owl("ingest", "models.csv")
        #expect(run.status == 1)
        #expect(run.stderr.contains("models.csv:2: field architecture: must be one of dense, moe; did you mean moe? (got \"MoE\")\n"), "\(run.stderr)")
        #expect(run.stderr.contains("models.csv:2: field openness: must be one of open-source, open-weights, restricted-weights, closed; did you mean open-weights? (got \"open weights\")\n"), "\(run.stderr)")
    }

    @Test func datesMustExist() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", Fixture.organizations)
        #expect(try box.owl("ingest", "organizations.csv").status == 0)
        let header = "id,organization,name,released_on\n"
        try box.write("releases.csv", header + "r,meta,R,2025-02-30\n")
        try box.expectRejected("releases.csv", line: "releases.csv:2: field released_on: is not a date that exists (got \"2025-02-30\")")
        try box.write("releases.csv", header + "r,meta,R,2023-02-29\n")
        try box.expectRejected("releases.csv", line: "releases.csv:2: field released_on: is not a date that exists (got \"2023-02-29\")")
        try box.write("releases.csv", header + "r,meta,R,2025-13-01\n")
        try box.expectRejected("releases.csv", line: "releases.csv:2: field released_on: is not a date that exists (got \"2025-13-01\")")
        try box.write("releases.csv", header + "r,meta,R,2025/01/20\n")
        try box.expectRejected("releases.csv", line: "releases.csv:2: field released_on: must be a date written YYYY-MM-DD (got \"2025/01/20\")")
        try box.write("releases.csv", header + "r,meta,R,2025-1-5\n")
        try box.expectRejected("releases.csv", line: "releases.csv:2: field released_on: must be a date written YYYY-MM-DD (got \"2025-1-5\")")
        try box.write("releases.csv", header + "r,meta,R,2024-02-29\n")
        let leap = try box.owl("ingest", "releases.csv")
        #expect(leap.status == 0, "\(leap.stderr)")
        #expect(try box.rows("SELECT released_on FROM releases") == [[.text("2024-02-29")]])
    }

    @Test func numbers() throws {
        let box = try Sandbox()
        try box.loadFixture()
        let header = "model,metric,observed_on,value\n"
        let row = "deepseek-ai/DeepSeek-R1,hf_likes,2025-07-01,"
        for (value, message) in [("1,234", "must be a plain number without thousands separators"), ("abc", "must be a number"),
                                 ("nan", "must be a number"), ("inf", "must be a number"), ("0x10", "must be a number"),
                                 ("12 likes", "must be a number")] {
            try box.write("observations.csv", header + row + "\"\(value)\"\n")
            try box.expectRejected("observations.csv", line: "observations.csv:2: field value: \(message) (got \"\(value)\")")
        }
        try box.write("models.csv", "id,organization,name,released_on,params_total_b\nm,meta,M,2025-01-01,0\n")
        try box.expectRejected("models.csv", line: "models.csv:2: field params_total_b: must be greater than 0 (got \"0\")")
        try box.write("models.csv", "id,organization,name,released_on,params_total_b,params_active_b,architecture\nm,meta,M,2025-01-01,8,70,moe\n")
        try box.expectRejected("models.csv", line: "models.csv:2: field params_active_b: is larger than params_total_b (8) (got \"70\")")
        try box.write("models.csv", "id,organization,name,released_on,params_total_b,params_active_b,architecture\nm,meta,M,2025-01-01,70,8,dense\n")
        try box.expectRejected("models.csv", line: "models.csv:2: field params_active_b: is only for moe models; a dense model uses all its parameters (got \"8\")")
        // Negative, fractional and exponent values are numbers.
        try box.write("observations.csv", header + row + "-1.5e3\n" + "deepseek-ai/DeepSeek-R1,hf_likes,2025-07-02,0.25\n")
        let run = try box.owl("ingest", "observations.csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.rows("SELECT value FROM observations WHERE observed_day >= unixepoch('2025-07-01') / 86400 ORDER BY observed_day") == [[.real(-1500)], [.real(0.25)]])
    }

    @Test func windowMetricsNeedWindowDays() throws {
        let box = try Sandbox()
        let header = "id,name,unit,kind,window_days,higher_is_better\n"
        try box.write("metrics.csv", header + "dl,Downloads,downloads,window,,\n")
        try box.expectRejected("metrics.csv", line: "metrics.csv:2: field window_days: is required for a window metric")
        try box.write("metrics.csv", header + "likes,Likes,likes,cumulative,30,\n")
        try box.expectRejected("metrics.csv", line: "metrics.csv:2: field window_days: is only for window metrics (got \"30\")")
        for days in ["0", "7.5", "-3", "week"] {
            try box.write("metrics.csv", header + "dl,Downloads,downloads,window,\(days),\n")
            try box.expectRejected("metrics.csv", line: "metrics.csv:2: field window_days: must be a whole number greater than 0 (got \"\(days)\")")
        }
        try box.write("metrics.csv", header + "dl,Downloads,downloads,window,30,yes\n")
        try box.expectRejected("metrics.csv", line: "metrics.csv:2: field higher_is_better: must be true or false (got \"yes\")")
        #expect(try box.count("metrics") == 0)
    }

    @Test func referencesMustResolveInTheDatabase() throws {
        let box = try Sandbox()
        try box.loadFixture()
        try box.write("releases.csv", "id,organization,name,released_on\nr,nobody,R,2025-01-01\n")
        try box.expectRejected("releases.csv",
            line: "releases.csv:2: field organization: no organization with this id; load it in organizations first (got \"nobody\")")
        try box.write("models.csv", "id,organization,name,release\nm,meta,M,no-such-release\n")
        try box.expectRejected("models.csv",
            line: "models.csv:2: field release: no release with this id; load it in releases first (got \"no-such-release\")")
        try box.write("models.csv", "id,organization,name,release\nm,meta,M,deepseek-r1\n")
        try box.expectRejected("models.csv", line: "models.csv:2: field release: belongs to organization deepseek, not meta (got \"deepseek-r1\")")
        try box.write("models.csv", "id,organization,name\nm,meta,M\n")
        try box.expectRejected("models.csv", line: "models.csv:2: field released_on: is required when release is empty (only a stub may have no date)")
        try box.write("observations.csv", "model,metric,observed_on,value\nnobody/model,hf_likes,2025-01-01,1\n")
        try box.expectRejected("observations.csv",
            line: "observations.csv:2: field model: no model with this id; load it in models first (got \"nobody/model\")")
        try box.write("observations.csv", "model,metric,observed_on,value\nmeta-llama/Llama-3.1-8B,hf_stars,2025-01-01,1\n")
        try box.expectRejected("observations.csv",
            line: "observations.csv:2: field metric: no metric with this id; load it in metrics first (got \"hf_stars\")")
        // …and they resolve against rows loaded by an earlier run.
        try box.write("releases.csv", "id,organization,name,released_on\nllama-4,meta,Llama 4,2025-04-05\n")
        try box.write("models.csv", "id,organization,name,release\nmeta-llama/Llama-4-Scout,meta,Llama 4 Scout,llama-4\n")
        let run = try box.owl("ingest", "models.csv", "releases.csv")
        #expect(run.status == 0, "\(run.stderr)")
        // A model without released_on takes its release's date.
        #expect(try box.rows("SELECT released_on FROM models WHERE id = 'meta-llama/Llama-4-Scout'") == [[.text("2025-04-05")]])
    }

    @Test func referencesResolveEarlierInTheSameRun() throws {
        let box = try Sandbox()
        // Given in reverse order on the command line: owl loads them in dependency order.
        for (name, text) in Fixture.files.reversed() { try box.write(name, text) }
        let run = try box.owl("ingest", "observations.csv", "metrics.csv", "models.csv", "releases.csv", "organizations.csv")
        #expect(run.status == 0, "\(run.stderr)")
        for table in ["organizations", "releases", "models", "metrics", "observations"] {
            #expect(try box.count(table) == 2, "\(table)")
        }
    }

    @Test func unknownColumnIsNamedWithTheClosestKnownName() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", "id,name,contry,kind\na,A,US,company\n")
        let run = try box.owl("ingest", "organizations.csv")
        #expect(run.status == 1)
        #expect(run.stderr.contains("organizations.csv:1: field contry: is not a field of organizations; did you mean country?"), "\(run.stderr)")
        // Without a close name, the known fields are listed.
        try box.write("organizations.csv", "id,name,country,kind,founded\na,A,US,company,1999\n")
        try box.expectRejected("organizations.csv",
            line: "owl: organizations.csv:1: field founded: is not a field of organizations (fields: id, name, country, kind, hf_namespaces, url)")
        try box.write("organizations.jsonl", "{\"id\": \"a\", \"name\": \"A\", \"country\": \"US\", \"kind\": \"company\", \"urls\": \"https://a.org\"}\n")
        try box.expectRejected("organizations.jsonl", line: "organizations.jsonl:1: field urls: is not a field of organizations; did you mean url?")
        #expect(try box.count("organizations") == 0)
    }

    @Test func duplicatedColumnIsNamed() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", "id,name,country,kind,name\na,A,US,company,B\n")
        try box.expectRejected("organizations.csv", line: "owl: organizations.csv:1: field name: the column appears twice (columns 2 and 5)")
        try box.write("organizations.jsonl", "{\"id\": \"a\", \"name\": \"A\", \"country\": \"US\", \"kind\": \"company\", \"name\": \"B\"}\n")
        try box.expectRejected("organizations.jsonl", line: "owl: organizations.jsonl:1: JSON syntax error: field \"name\" appears twice in one object")
        #expect(try box.count("organizations") == 0)
    }

    @Test func everyProblemOfAFileIsReportedAsFileLineFieldReasonValue() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", orgHeader + "Bad,A,us,company,,\nok,B,US,company,,ftp://x\nfine,C,FR,company,,\n")
        let run = try box.owl("ingest", "organizations.csv")
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines == [
            "organizations.csv:2: field id: must be a lower-case slug: letters a-z, digits and . _ -, starting with a letter or digit (got \"Bad\")",
            "organizations.csv:2: field country: country codes are upper case: use US (got \"us\")",
            "organizations.csv:3: field url: must be a URL starting with https:// or http:// (got \"ftp://x\")",
            "owl: organizations.csv: 2 of 3 rows are invalid; nothing of this file was loaded (fix them, or give --skip-invalid to load the valid rows and keep the rest as rejects)",
        ])
        #expect(run.stdout.contains("organizations.csv → organizations: FAILED, 3 rows read, 3 problems"))
    }
}

}

// MARK: Atomicity, re-ingest, updates, rejects

extension IngestTests {
@Suite struct Loading {
    @Test func anInvalidFileLeavesTheDatabaseUnchanged() throws {
        let box = try Sandbox()
        try box.loadFixture()
        let before = try box.dump()
        #expect(before.contains("INSERT INTO organizations"))
        // Valid rows (one new, one update) before an invalid one: none may be stored.
        try box.write("organizations.csv", orgHeader + "new-lab,New Lab,FR,company,,\nmeta,Meta Platforms,US,company,,\nbad,Bad,XX,company,,\n")
        #expect(try box.owl("ingest", "organizations.csv").status == 1)
        #expect(try box.dump() == before)
        // A syntax error after valid rows, and a bad header, too.
        try box.write("organizations.csv", orgHeader + "new-lab,New Lab,FR,company,,\nb,\"open,US,company,,\n")
        #expect(try box.owl("ingest", "organizations.csv").status == 1)
        #expect(try box.dump() == before)
        try box.write("observations.json", "[{\"model\": \"meta-llama/Llama-3.1-8B\", \"metric\": \"hf_likes\", \"observed_on\": \"2025-07-01\", \"value\": 5},\n{\"model\": ")
        #expect(try box.owl("ingest", "observations.json").status == 1)
        #expect(try box.dump() == before)
        try box.write("metrics.csv", "id,name,unit,kind,windowdays\nx,X,u,window,7\n")
        #expect(try box.owl("ingest", "metrics.csv").status == 1)
        #expect(try box.dump() == before)
    }

    @Test func anInvalidFileLeavesTheDatabaseFileByteForByteUnchanged() throws {
        let box = try Sandbox()
        try box.loadFixture()
        let before = try Data(contentsOf: box.folder.appending(path: "owl.sqlite"))
        try box.write("organizations.csv", orgHeader + "new-lab,New Lab,FR,company,,\nbad,Bad,XX,company,,\n")
        #expect(try box.owl("ingest", "organizations.csv").status == 1)
        let wal = box.path("owl.sqlite-wal")
        let walBytes = FileManager.default.fileExists(atPath: wal) ? try Data(contentsOf: URL(fileURLWithPath: wal)).count : 0
        #expect(walBytes == 0)
        #expect(try Data(contentsOf: box.folder.appending(path: "owl.sqlite")) == before)
    }

    @Test func aLargeFileInvalidOnlyAtItsLastRowLoadsNothing() throws {
        let box = try Sandbox()
        try box.loadFixture()
        let before = try box.dump()
        var big = "model,metric,observed_on,value,source\n"
        for year in 1900..<1990 {
            for month in 1...12 {
                for day in 1...28 {
                    big += "deepseek-ai/DeepSeek-R1,hf_likes,\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day),\(day),padding padding\n"
                }
            }
        }
        big += "deepseek-ai/DeepSeek-R1,hf_likes,1990-02-30,1,last\n"
        #expect(big.utf8.count > 1 << 20)  // more than one read chunk
        try box.write("observations.csv", big)
        let run = try box.owl("ingest", "observations.csv")
        #expect(run.status == 1)
        #expect(run.stderr.contains("observations.csv:30242: field observed_on: is not a date that exists (got \"1990-02-30\")"), "\(run.stderr)")
        #expect(run.stderr.contains("owl: observations.csv: 1 of 30241 rows are invalid; nothing of this file was loaded"), "\(run.stderr)")
        #expect(try box.dump() == before)
    }

    @Test func aFailedFileReportsTwentyProblemsThenCountsTheRest() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", orgHeader + (1...25).map { "o\($0),O,XX,company,,\n" }.joined())
        let run = try box.owl("ingest", "organizations.csv")
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("organizations.csv:") }.count == 20)
        #expect(lines.contains("organizations.csv:21: field country: must be an ISO 3166-1 alpha-2 code such as US, CN or FR, or ZZ for unknown (got \"XX\")"))
        #expect(lines.contains("… and 5 more problems"), "\(run.stderr)")
    }

    @Test func skipInvalidKeepsRowsWithTheWrongNumberOfCells() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", "id,name,country,kind\na,A,US,company\nb,B,US,company,extra\nc,C,US\n")
        let run = try box.owl("ingest", "organizations.csv", "--skip-invalid")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.rows("SELECT file, line, field, value, reason FROM rejects") ==
                [[.text("organizations.csv"), .integer(3), .null, .null, .text("the row has 5 cells but the header has 4")],
                 // A row with the wrong number of cells is reported for that alone, not for the fields it lacks.
                 [.text("organizations.csv"), .integer(4), .null, .null, .text("the row has 3 cells but the header has 4")]])
        #expect(try box.count("organizations") == 1)
    }

    @Test func reIngestIsANoOp() throws {
        let box = try Sandbox()
        try box.loadFixture()
        let tables = "SELECT * FROM organizations, releases, models, metrics, observations"
        let before = try box.rows(tables)
        let run = try box.owl("ingest", "seed")
        #expect(run.status == 0, "\(run.stderr)")
        for (name, _) in Fixture.files {
            #expect(run.stdout.contains("seed/\(name) → \(name.split(separator: ".")[0]): loaded, 2 read, 0 inserted, 0 updated, 2 unchanged, 0 skipped"),
                    "\(run.stdout)")
        }
        #expect(try box.rows(tables) == before)
        #expect(try box.rows("SELECT sum(inserted), sum(updated), sum(unchanged) FROM batches WHERE id > 5") == [[.integer(0), .integer(0), .integer(10)]])
    }

    @Test func aChangedRowIsCountedAsOneUpdate() throws {
        let box = try Sandbox()
        try box.loadFixture()
        try box.write("organizations.csv", Fixture.organizations.replacingOccurrences(of: "meta,Meta,US", with: "meta,Meta Platforms,US"))
        let run = try box.owl("ingest", "organizations.csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("organizations.csv → organizations: loaded, 2 read, 0 inserted, 1 updated, 1 unchanged, 0 skipped"), "\(run.stdout)")
        #expect(try box.rows("SELECT name FROM organizations WHERE id = 'meta'") == [[.text("Meta Platforms")]])
        // Observations are keyed by model + metric + observed_on.
        try box.write("observations.csv", Fixture.observations.replacingOccurrences(of: "12800", with: "12900")
            + "deepseek-ai/DeepSeek-R1,hf_likes,2025-06-02,13000,hf\n")
        let obs = try box.owl("ingest", "observations.csv")
        #expect(obs.stdout.contains("observations.csv → observations: loaded, 3 read, 1 inserted, 1 updated, 1 unchanged, 0 skipped"), "\(obs.stdout)")
        #expect(try box.rows("SELECT value FROM observations o JOIN models m ON m.key = o.model WHERE m.id = 'deepseek-ai/DeepSeek-R1' ORDER BY observed_day")
                == [[.real(12900)], [.real(13000)]])
        #expect(try box.count("observations") == 3)
        // Clearing an optional field is a change too.
        try box.write("organizations.csv", Fixture.organizations.replacingOccurrences(of: "meta,Meta,US", with: "meta,Meta Platforms,US")
            .replacingOccurrences(of: ",https://www.deepseek.com", with: ","))
        let cleared = try box.owl("ingest", "organizations.csv")
        #expect(cleared.stdout.contains("0 inserted, 1 updated, 1 unchanged"), "\(cleared.stdout)")
        #expect(try box.rows("SELECT url FROM organizations WHERE id = 'deepseek'") == [[.null]])
    }

    @Test func skipInvalidStoresRejects() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", orgHeader + "a,A,US,company,,\nb,B,XX,company,,\nc,C,FR,company,,\nD,,de,company,,\n")
        let run = try box.owl("ingest", "organizations.csv", "--skip-invalid")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("organizations.csv → organizations: loaded, 4 read, 2 inserted, 0 updated, 0 unchanged, 2 skipped"), "\(run.stdout)")
        #expect(try box.rows("SELECT id FROM organizations ORDER BY id") == [[.text("a")], [.text("c")]])
        let rejects = try box.rows("SELECT batch, file, line, field, value, reason FROM rejects ORDER BY id")
        #expect(rejects == [
            [.integer(1), .text("organizations.csv"), .integer(3), .text("country"), .text("XX"),
             .text("must be an ISO 3166-1 alpha-2 code such as US, CN or FR, or ZZ for unknown")],
            [.integer(1), .text("organizations.csv"), .integer(5), .text("id"), .text("D"),
             .text("must be a lower-case slug: letters a-z, digits and . _ -, starting with a letter or digit")],
            [.integer(1), .text("organizations.csv"), .integer(5), .text("name"), .null, .text("is required")],
            [.integer(1), .text("organizations.csv"), .integer(5), .text("country"), .text("de"),
             .text("country codes are upper case: use DE")],
        ])
        #expect(try box.rows("SELECT rows_read, inserted, updated, unchanged, skipped FROM batches") ==
                [[.integer(4), .integer(2), .integer(0), .integer(0), .integer(2)]])
        let status = try box.owl("status")
        #expect(status.stdout.contains("ingest: 1 batches, 4 rejected rows kept"), "\(status.stdout)")
    }

    @Test func skipInvalidKeepsUnresolvedReferencesAsRejects() throws {
        let box = try Sandbox()
        try box.loadFixture()
        try box.write("observations.csv", "model,metric,observed_on,value\nmeta-llama/Llama-3.1-8B,hf_likes,2025-07-01,10\nnobody/x,hf_likes,2025-07-01,1\n")
        let run = try box.owl("ingest", "observations.csv", "--skip-invalid")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.rows("SELECT file, line, field, value, reason FROM rejects") == [
            [.text("observations.csv"), .integer(3), .text("model"), .text("nobody/x"),
             .text("no model with this id; load it in models first")],
        ])
        #expect(try box.count("observations") == 3)
    }

    @Test func intoNamesTheEntityOfAnyFile() throws {
        let box = try Sandbox()
        try box.write("labs-2025.csv", Fixture.organizations)
        let run = try box.owl("ingest", "labs-2025.csv", "--into", "organizations")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.count("organizations") == 2)
        try box.write("labs.txt", Fixture.organizations)
        try box.expectRejected("labs.txt", "--into", "organizations",
            line: "owl: labs.txt: cannot tell the format from the extension; use .csv, .json or .jsonl, or give --format")
        let formatted = try box.owl("ingest", "labs.txt", "--into", "organizations", "--format", "csv")
        #expect(formatted.status == 0, "\(formatted.stderr)")
        #expect(formatted.stdout.contains("0 inserted, 0 updated, 2 unchanged"))
    }
}

}

// MARK: Directories, dry runs, exit codes, status, batches

extension IngestTests {
@Suite struct Runs {
    @Test func aDirectoryLoadsInDependencyOrderAndIgnoresREADME() throws {
        let box = try Sandbox()
        try box.write("data/observations.csv", Fixture.observations)
        try box.write("data/models.csv", Fixture.models)
        try box.write("data/organizations.csv", Fixture.organizations)
        try box.write("data/metrics.csv", Fixture.metrics)
        try box.write("data/releases.csv", Fixture.releases)
        try box.write("data/README.md", "# About these files\n")
        let run = try box.owl("ingest", "data")
        #expect(run.status == 0, "\(run.stderr)")
        let order = run.stdout.split(separator: "\n").map { $0.split(separator: " ")[0] }
        #expect(order == ["data/organizations.csv", "data/releases.csv", "data/models.csv", "data/metrics.csv", "data/observations.csv"])
        #expect(try box.rows("SELECT entity FROM batches ORDER BY id") ==
                ["organizations", "releases", "models", "metrics", "observations"].map { [SQLValue.text($0)] })
        #expect(!run.stdout.contains("README"))
    }

    @Test func anUnknownFileNameInADirectoryIsAnErrorBeforeAnythingLoads() throws {
        let box = try Sandbox()
        // An existing, empty database: nothing may be loaded into it.
        #expect(try box.owl("init").status == 0)
        try box.writeFixture(in: "data")
        try box.write("data/modles.csv", Fixture.models)
        try box.write("data/notes.txt", "notes\n")
        let run = try box.owl("ingest", "data")
        #expect(run.status == 1)
        #expect(run.stderr.contains("data/modles.csv: the file name does not name an entity (organizations, organization_aliases, releases, models, model_bases, metrics, observations); did you mean models?; or give --into ENTITY"),
                "\(run.stderr)")
        #expect(run.stderr.contains("data/notes.txt: cannot tell the format from the extension"), "\(run.stderr)")
        #expect(run.stdout.isEmpty, "\(run.stdout)")
        for table in ["organizations", "models", "batches"] {
            #expect(try box.count(table) == 0, "\(table)")
        }
    }

    @Test func dryRunChangesNothing() throws {
        let box = try Sandbox()
        #expect(try box.owl("init").status == 0)
        let empty = try box.dump()
        try box.writeFixture()
        let run = try box.owl("ingest", "seed", "--dry-run")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("seed/models.csv → models: checked, 2 read, 2 would be inserted, 0 would be updated, 0 unchanged, 0 skipped"), "\(run.stdout)")
        #expect(run.stdout.contains("dry run: nothing was written"))
        #expect(try box.dump() == empty)
        // On a loaded database, a dry run of a changed file reports the update and keeps the old row.
        #expect(try box.owl("ingest", "seed").status == 0)
        let loaded = try box.dump()
        try box.write("organizations.csv", Fixture.organizations.replacingOccurrences(of: "Meta,US", with: "Meta,IE"))
        let update = try box.owl("ingest", "organizations.csv", "--dry-run")
        #expect(update.status == 0, "\(update.stderr)")
        #expect(update.stdout.contains("0 would be inserted, 1 would be updated, 1 unchanged"), "\(update.stdout)")
        #expect(try box.dump() == loaded)
        // An invalid file in a dry run fails like a real one, and still writes nothing.
        try box.write("metrics.csv", "id,name,unit,kind\nx,X,u,window\n")
        #expect(try box.owl("ingest", "organizations.csv", "metrics.csv", "--dry-run").status == 1)
        #expect(try box.dump() == loaded)
    }

    @Test func exitCodes() throws {
        let box = try Sandbox()
        try box.writeFixture()
        #expect(try box.owl("ingest", "seed").status == 0)
        let bad = try box.owl("ingest", "seed/organizations.csv", "--into", "nonsense")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("The value 'nonsense' is invalid for '--into <entity>'. Please provide one of the following:\n  - organizations\n  - organization_aliases\n  - releases\n  - models\n  - model_bases\n  - metrics\n  - observations\n"), "\(bad.stderr)")
        let format = try box.owl("ingest", "seed/organizations.csv", "--format", "xml")
        #expect(format.status == 2)
        #expect(format.stderr.contains("The value 'xml' is invalid for '--format <format>'. Please provide one of the following:\n  - csv\n  - json\n  - jsonl\n  - hf-models\n  - epoch\n  - open-llm-leaderboard\n"), "\(format.stderr)")
        #expect(try box.owl("ingest").status == 2)
        #expect(try box.owl("ingest", "seed", "--no-such-flag").status == 2)
        let missing = try box.owl("ingest", "nothing-here.csv")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nothing-here.csv: no such file or directory"), "\(missing.stderr)")
        try box.write("organizations.csv", orgHeader + "a,A,XX,company,,\n")
        #expect(try box.owl("ingest", "organizations.csv").status == 1)
    }

    @Test func aFailureInTheMiddleOfADirectoryKeepsTheEarlierFilesAndSaysSo() throws {
        let box = try Sandbox()
        try box.writeFixture(in: "data")
        try box.write("data/models.csv", Fixture.models.replacingOccurrences(of: ",moe,", with: ",mixture,"))
        let run = try box.owl("ingest", "data")
        #expect(run.status == 1)
        #expect(run.stderr.contains("data/models.csv:2: field architecture: must be one of dense, moe (got \"mixture\")"), "\(run.stderr)")
        #expect(run.stderr.contains("owl: stopped; 2 file(s) before it stay loaded: data/organizations.csv, data/releases.csv"), "\(run.stderr)")
        #expect(run.stderr.contains("owl: 2 file(s) after it were not loaded"), "\(run.stderr)")
        #expect(try box.count("organizations") == 2)
        #expect(try box.count("releases") == 2)
        #expect(try box.count("models") == 0)
        #expect(try box.count("metrics") == 0)
        #expect(try box.count("observations") == 0)
        #expect(try box.count("batches") == 2)
    }

    @Test func statusListsTheBatchesWithTheirCounts() throws {
        let box = try Sandbox()
        try box.loadFixture()
        try box.write("organizations.csv", Fixture.organizations.replacingOccurrences(of: "Meta,US", with: "Meta,IE") + "x,X,XX,company,,\n")
        #expect(try box.owl("ingest", "organizations.csv", "--skip-invalid").status == 0)
        let status = try box.owl("status")
        #expect(status.status == 0)
        #expect(status.stdout.contains("ingest: 6 batches, 1 rejected rows kept"), "\(status.stdout)")
        let batchLines = status.stdout.split(separator: "\n").filter { $0.hasPrefix("  #") }
        #expect(batchLines.count == 6, "\(status.stdout)")
        #expect(batchLines.first?.hasPrefix("  #6 ") == true)
        #expect(batchLines.first?.hasSuffix("organizations (csv) organizations.csv: 3 read, 0 inserted, 1 updated, 1 unchanged, 1 skipped") == true, "\(status.stdout)")
        #expect(batchLines.contains { $0.hasPrefix("  #1 ") && $0.hasSuffix("organizations (csv) seed/organizations.csv: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 skipped") })
        #expect(batchLines.contains { $0.hasPrefix("  #5 ") && $0.hasSuffix("observations (csv) seed/observations.csv: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 skipped") })
        #expect(status.stdout.contains("observations          2"), "\(status.stdout)")
    }

    @Test func batchesRecordSHA256AndRowCounts() throws {
        let box = try Sandbox()
        try box.loadFixture()
        let batches = try box.rows("SELECT path, sha256, entity, format, rows_read, inserted, updated, unchanged, skipped, finished_at IS NOT NULL FROM batches ORDER BY id")
        #expect(batches.count == 5)
        for row in batches {
            guard case .text(let path) = row[0], case .text(let hash) = row[1] else { Issue.record("bad row \(row)"); continue }
            #expect(hash.count == 64 && hash.allSatisfy { "0123456789abcdef".contains($0) }, "\(hash)")
            #expect(hash == (try sha256sum(box.path(path))), "\(path)")
            #expect(Array(row[3...]) == [.text("csv"), .integer(2), .integer(2), .integer(0), .integer(0), .integer(0), .integer(1)], "\(path)")
        }
        // A file larger than the reader's 1 MiB chunks hashes the same as sha256sum, and counts every row.
        var big = "model,metric,observed_on,value,source\n"
        var day = Date(timeIntervalSince1970: 0)  // 1970-01-01, before the fixture's dates
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        for index in 0..<12_000 {
            big += "deepseek-ai/DeepSeek-R1,hf_likes,\(formatter.string(from: day)),\(index),\"a \"\"long\"\" source, text for row \(index) of the big file\"\n"
            if index % 2 == 1 { big += "meta-llama/Llama-3.1-8B,hf_downloads_30d,\(formatter.string(from: day)),\(index * 7),s\r\n" }
            day += 86_400
        }
        let path = try box.write("big/observations.csv", big)
        #expect(big.utf8.count > 1 << 20)
        let run = try box.owl("ingest", "big/observations.csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.rows("SELECT sha256, rows_read, inserted, skipped FROM batches WHERE path = 'big/observations.csv'") ==
                [[.text(try sha256sum(path)), .integer(18_000), .integer(18_000), .integer(0)]])
        // Re-ingest: the same hash, every row unchanged.
        #expect(try box.owl("ingest", "big/observations.csv").stdout.contains("18000 read, 0 inserted, 0 updated, 18000 unchanged, 0 skipped"))
    }
}
}
