import Foundation
import Testing

/// `owl pull hf` against a real HTTP server on 127.0.0.1 answering in the Hub's shape.
@Suite struct PullTests {
    /// A model as /api/models lists it with expand[]= (the fields owl maps).
    static func model(_ id: String, downloads: Int, likes: Int, allTime: Int? = nil, created: String = "2025-03-01") -> String {
        var fields = ["\"_id\": \"65f0\"", "\"id\": \"\(id)\"", "\"author\": \"\(id.split(separator: "/")[0])\"", "\"downloads\": \(downloads)",
                      "\"likes\": \(likes)", "\"createdAt\": \"\(created)T10:00:00.000Z\"", "\"lastModified\": \"2025-06-01T00:00:00.000Z\"",
                      "\"tags\": [\"transformers\", \"license:apache-2.0\"]", "\"pipeline_tag\": \"text-generation\"", "\"library_name\": \"transformers\""]
        if let allTime { fields.append("\"downloadsAllTime\": \(allTime)") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    static let pageOne = HubReplay.Answer.page([model("deepseek-ai/DeepSeek-R1", downloads: 1200, likes: 300, allTime: 50000),
                                                model("Qwen/Qwen3-8B", downloads: 800, likes: 40, allTime: 9000)], next: "p2")
    static let pageTwo = HubReplay.Answer.page([model("mistralai/Mistral-7B", downloads: 500, likes: 20, allTime: 70000)])

    static var today: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }

    /// A sandbox with an initialised database.
    static func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        try #require(try sandbox.owl("init").status == 0)
        return sandbox
    }

    /// Rows of a read-only SQL query, as text, header left out.
    static func rows(_ sandbox: Sandbox, _ sql: String) throws -> [[String]] {
        let run = try sandbox.owl("query", "--sql", sql, "--format", "csv")
        try #require(run.status == 0, "\(run.stderr)")
        return Array(parseCSV(run.stdout).dropFirst())
    }

    static func observations(_ sandbox: Sandbox) throws -> [[String]] {
        try rows(sandbox, "SELECT model, metric, observed_on, value FROM observations_named ORDER BY model, metric")
    }

    /// The one pull folder under snapshots/hf, and its manifest.
    static func pulls(_ sandbox: Sandbox) throws -> [URL] {
        let root = sandbox.folder.appending(path: "snapshots/hf")
        var found: [URL] = []
        for day in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            for pull in try FileManager.default.contentsOfDirectory(atPath: root.appending(path: day).path) {
                found.append(root.appending(path: day).appending(path: pull))
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    static func manifest(_ folder: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appending(path: "manifest.json"))) as? [String: Any])
    }

    static let expectedObservations = [
        ["Qwen/Qwen3-8B", "hf_downloads_30d", today, "800"], ["Qwen/Qwen3-8B", "hf_downloads_all", today, "9000"], ["Qwen/Qwen3-8B", "hf_likes", today, "40"],
        ["deepseek-ai/DeepSeek-R1", "hf_downloads_30d", today, "1200"], ["deepseek-ai/DeepSeek-R1", "hf_downloads_all", today, "50000"],
        ["deepseek-ai/DeepSeek-R1", "hf_likes", today, "300"],
        ["mistralai/Mistral-7B", "hf_downloads_30d", today, "500"], ["mistralai/Mistral-7B", "hf_downloads_all", today, "70000"],
        ["mistralai/Mistral-7B", "hf_likes", today, "20"],
    ]

    @Test func pagesAreKeptAsReceivedWithTheirHashesAndLoadedOneBatchAPage() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [Self.pageTwo]])
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base, environment: ["HF_TOKEN": "hf_sekrit123"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("pulled 3 models in 2 page(s)"), "\(run.stdout)")

        // snapshots/hf/YYYY-MM-DD/HHMMSSZ beside the database
        let pulls = try Self.pulls(sandbox)
        try #require(pulls.count == 1)
        let folder = pulls[0]
        #expect(folder.deletingLastPathComponent().lastPathComponent == Self.today)
        #expect(folder.lastPathComponent.range(of: #"^\d{6}Z$"#, options: .regularExpression) != nil, "\(folder.lastPathComponent)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["manifest.json", "page-0001.json", "page-0002.json"])
        #expect(try String(contentsOf: folder.appending(path: "page-0001.json"), encoding: .utf8) == Self.pageOne.body)
        #expect(try String(contentsOf: folder.appending(path: "page-0002.json"), encoding: .utf8) == Self.pageTwo.body)

        let manifest = try Self.manifest(folder)
        #expect(manifest["observed_on"] as? String == Self.today)
        #expect(manifest["complete"] as? Bool == true)
        #expect(manifest["loaded_at"] is String)
        let pages = try #require(manifest["pages"] as? [[String: Any]])
        try #require(pages.count == 2)
        for (index, page) in pages.enumerated() {
            let file = folder.appending(path: "page-000\(index + 1).json").path
            #expect(page["sha256"] as? String == (try sha256sum(file)))
            #expect(page["status"] as? Int == 200)
            #expect((page["fetched_at"] as? String)?.hasPrefix(Self.today) == true)
        }
        #expect((pages[0]["url"] as? String)?.hasPrefix("\(hub.base)/api/models?sort=downloads&direction=-1&limit=100&expand%5B%5D=downloads") == true)
        #expect(pages[1]["url"] as? String == "\(hub.base)/api/models?cursor=p2&limit=100")

        #expect(try Self.observations(sandbox) == Self.expectedObservations)
        // One batch a page, with the page's path and SHA-256: lineage down to the raw bytes.
        // (a batch per entity the page feeds: organizations, releases, models, metrics, observations)
        let batches = try Self.rows(sandbox, "SELECT path, sha256 FROM batches WHERE format = 'hf-models' GROUP BY path, sha256 ORDER BY min(id)")
        #expect(batches.map { $0[1] } == pages.map { $0["sha256"] as? String ?? "" })
        #expect(batches.map { Paths.name(of: $0[0]) } == ["page-0001.json", "page-0002.json"])

        // The token went to the loopback server, and nowhere else.
        #expect(hub.requests().map(\.authorization) == ["Bearer hf_sekrit123", "Bearer hf_sekrit123"])
        #expect(!run.stdout.contains("sekrit") && !run.stderr.contains("sekrit"))
        for name in ["manifest.json", "page-0001.json", "page-0002.json"] {
            #expect(!(try Data(contentsOf: folder.appending(path: name))).contains(Data("sekrit".utf8)))
        }
        #expect(!(try Data(contentsOf: sandbox.folder.appending(path: "owl.sqlite"))).contains(Data("sekrit".utf8)))
    }

    @Test func rateLimitsServerErrorsAndTruncatedBodiesAreRetried() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, [
            "start": [HubReplay.Answer(status: 500, body: "upstream error"), Self.pageOne],
            "p2": [HubReplay.Answer(status: 429, headers: ["Retry-After": "1"], body: "{\"error\": \"slow down\"}"),
                   HubReplay.Answer(body: Self.pageTwo.body, truncate: true), Self.pageTwo],
        ])
        let started = Date()
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) >= 1, "Retry-After: 1 was waited")
        #expect(run.stderr.contains("HTTP 500; try 2 of 5 for page-0001.json"), "\(run.stderr)")
        #expect(run.stderr.contains("rate limited (HTTP 429); try 2 of 5 for page-0002.json: waiting 1.0 s"), "\(run.stderr)")
        #expect(run.stderr.contains("try 3 of 5 for page-0002.json"), "\(run.stderr)")
        #expect(hub.requests().map(\.key) == ["start", "start", "p2", "p2", "p2"])
        // The page kept is the whole one, not the truncated answer.
        let folder = try #require(try Self.pulls(sandbox).first)
        #expect(try String(contentsOf: folder.appending(path: "page-0002.json"), encoding: .utf8) == Self.pageTwo.body)
        #expect(try Self.observations(sandbox) == Self.expectedObservations)
    }

    @Test func aWaitLongerThanMaxWaitStopsThePullAndLoadsNothing() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [HubReplay.Answer(status: 429, headers: ["Retry-After": "120"])]])
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base, "--max-wait", "2")
        #expect(run.status == 1)
        #expect(run.stderr.contains("page-0002.json: the Hub asked to wait 120 s"), "\(run.stderr)")
        #expect(run.stderr.contains("more than --max-wait 2 s"), "\(run.stderr)")
        #expect(try Self.observations(sandbox).isEmpty)
        #expect(hub.requests().count == 2)
    }

    @Test func aPageThatFailsForGoodKeepsThePagesBeforeItAndResumeContinues() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [HubReplay.Answer(status: 503, body: "down")]])
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base)
        #expect(run.status == 1)
        #expect(run.stderr.contains("page-0002.json: \(hub.base)/api/models?cursor=p2&limit=100 failed 5 times, last: HTTP 503"), "\(run.stderr)")
        #expect(run.stderr.contains("nothing was loaded; `owl pull hf --resume` continues from the last good page"), "\(run.stderr)")
        #expect(hub.requests().filter { $0.key == "p2" }.count == 5, "a bounded number of tries")
        #expect(try Self.observations(sandbox).isEmpty)
        #expect(try Self.rows(sandbox, "SELECT count(*) FROM batches")[0] == ["0"])
        let folder = try #require(try Self.pulls(sandbox).first)
        var manifest = try Self.manifest(folder)
        #expect((manifest["pages"] as? [Any])?.count == 1)
        #expect(manifest["complete"] as? Bool == false)
        #expect((manifest["failure"] as? String)?.contains("page-0002.json") == true)

        try hub.set(["start": [Self.pageOne], "p2": [Self.pageTwo]])
        let resumed = try sandbox.owl("pull", "hf", "--resume")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming the pull in snapshots/hf/\(Self.today)/\(folder.lastPathComponent) (1 page(s) fetched)"), "\(resumed.stderr)")
        #expect(hub.requests().map(\.key) == ["start"] + Array(repeating: "p2", count: 6), "page 1 is not fetched again")
        manifest = try Self.manifest(folder)
        #expect((manifest["pages"] as? [Any])?.count == 2)
        #expect(manifest["complete"] as? Bool == true)
        #expect(manifest["failure"] == nil)
        #expect(try Self.observations(sandbox) == Self.expectedObservations)
        #expect(try Self.pulls(sandbox).count == 1, "resumed in the same folder")

        let again = try sandbox.owl("pull", "hf", "--resume")
        #expect(again.status == 1)
        #expect(again.stderr.contains("nothing to resume under snapshots/hf"), "\(again.stderr)")
    }

    @Test func invalidJSONOrAModelWithoutAnIdIsNamedByPageAndLineAndNothingLoads() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [HubReplay.Answer(body: "[{\"id\": \"a/b\", \"downloads\": 1,\n {oops}]")]])
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base)
        #expect(run.status == 1)
        #expect(run.stderr.contains("/page-0002.json:2:"), "\(run.stderr)")
        #expect(try Self.observations(sandbox).isEmpty)
        // The page is kept as received, as evidence, but not listed as good.
        let folder = try #require(try Self.pulls(sandbox).first)
        #expect(FileManager.default.fileExists(atPath: folder.appending(path: "page-0002.json").path))
        #expect((try Self.manifest(folder)["pages"] as? [Any])?.count == 1)

        let noID = try Self.sandbox()
        let hub2 = try HubReplay(in: noID, ["start": [HubReplay.Answer.page([Self.model("a/b", downloads: 1, likes: 1), "{\"downloads\": 3}"])]])
        let missing = try noID.owl("pull", "hf", "--endpoint", hub2.base)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/page-0001.json:2: model 2 of the page has no id"), "\(missing.stderr)")
        #expect(try Self.observations(noID).isEmpty)
    }

    @Test func aPageThatFailsToLoadRollsBackThePagesLoadedBeforeIt() throws {
        let sandbox = try Self.sandbox()
        // Page 2's model has no creation date, so its release has no date: an invalid row.
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [.page(["{\"id\": \"someone/undated\", \"downloads\": 5, \"likes\": 1}"])]])
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base)
        #expect(run.status == 1)
        #expect(run.stderr.contains("/page-0002.json:1: field released_on: is required"), "\(run.stderr)")
        #expect(run.stderr.contains("nothing of the pull was loaded"), "\(run.stderr)")
        // Page 1 loaded in its savepoint, then the outer transaction rolled it back.
        #expect(try Self.observations(sandbox).isEmpty)
        #expect(try Self.rows(sandbox, "SELECT count(*) FROM models")[0] == ["0"])
        #expect(try Self.rows(sandbox, "SELECT count(*) FROM batches")[0] == ["0"])
        let folder = try #require(try Self.pulls(sandbox).first)
        #expect(try Self.manifest(folder)["loaded_at"] == nil)
    }

    @Test func aPullWaitsForAnotherLoadOfTheDatabase() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [Self.pageTwo]])
        // The sqlite3 shell holds the write lock for 3 s, as another load would.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [sandbox.path("owl.sqlite"), "BEGIN IMMEDIATE;", ".shell sleep 3", "COMMIT;"]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        usleep(500_000)
        let bounded = try sandbox.owl("pull", "hf", "--endpoint", hub.base, "--wait", "0.3")
        #expect(bounded.status == 1)
        #expect(bounded.stderr.contains("waiting for another load of this database…"), "\(bounded.stderr)")
        #expect(bounded.stderr.contains("owl.sqlite: another load of this database is still running; nothing of the pull was loaded"), "\(bounded.stderr)")
        let patient = try sandbox.owl("pull", "hf", "--resume")
        holder.waitUntilExit()
        #expect(patient.status == 0, "\(patient.stderr)")
        #expect(patient.stderr.contains("waiting for another load of this database…"), "\(patient.stderr)")
        #expect(try Self.observations(sandbox) == Self.expectedObservations)
    }

    @Test func partialLoadsTheGoodPagesAndStillFails() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [HubReplay.Answer(status: 404, body: "{\"error\": \"gone\"}")]])
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base, "--partial")
        #expect(run.status == 1)
        #expect(run.stderr.contains("page-0002.json: HTTP 404"), "\(run.stderr)")
        #expect(run.stderr.contains("loaded the 1 page(s) fetched (--partial)"), "\(run.stderr)")
        #expect(try Self.observations(sandbox) == Array(Self.expectedObservations.prefix(6)))
    }

    @Test func aSecondPullTheSameDayKeepsBothFoldersAndUpdatesThatDaysObservations() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [Self.pageTwo]])
        #expect(try sandbox.owl("pull", "hf", "--endpoint", hub.base).status == 0)
        let same = try sandbox.owl("pull", "hf", "--endpoint", hub.base)
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.contains("observations: 9 read, 0 inserted, 0 updated, 9 unchanged"), "\(same.stdout)")
        #expect(try Self.pulls(sandbox).count == 2)
        #expect(try Self.observations(sandbox) == Self.expectedObservations)

        try hub.set(["start": [Self.pageOne], "p2": [.page([Self.model("mistralai/Mistral-7B", downloads: 650, likes: 21, allTime: 70150)])]])
        let changed = try sandbox.owl("pull", "hf", "--endpoint", hub.base)
        #expect(changed.stdout.contains("observations: 9 read, 0 inserted, 3 updated, 6 unchanged"), "\(changed.stdout)")
        let mistral = try Self.rows(sandbox, "SELECT metric, value FROM observations_named WHERE model = 'mistralai/Mistral-7B' ORDER BY metric")
        #expect(mistral == [["hf_downloads_30d", "650"], ["hf_downloads_all", "70150"], ["hf_likes", "21"]])
    }

    @Test func dryRunKeepsThePagesAndWritesNothingToTheDatabase() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [Self.pageTwo]])
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base, "--dry-run")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("observations: 9 read, 9 would be inserted"), "\(run.stdout)")
        #expect(run.stdout.contains("dry run: nothing was written to the database"))
        #expect(try Self.observations(sandbox).isEmpty)
        #expect(try Self.rows(sandbox, "SELECT count(*) FROM batches")[0] == ["0"])
        #expect(try Self.pulls(sandbox).count == 1)
    }

    @Test func authorsFromTheRegistryAreOneSeriesEach() throws {
        let sandbox = try Self.sandbox()
        try sandbox.write("organizations.csv", """
            id,name,country,kind,hf_namespaces
            deepseek,DeepSeek,CN,company,deepseek-ai
            alibaba,Alibaba,CN,company,Qwen;Alibaba-NLP
            openai,OpenAI,US,company,
            """)
        #expect(try sandbox.owl("ingest", "organizations.csv").status == 0)
        let hub = try HubReplay(in: sandbox, [
            "author=deepseek-ai": [.page([Self.model("deepseek-ai/DeepSeek-R1", downloads: 1200, likes: 300)])],
            "author=Qwen": [.page([Self.model("Qwen/Qwen3-8B", downloads: 800, likes: 40)])],
            "author=Alibaba-NLP": [.page([])],
        ])
        let run = try sandbox.owl("pull", "hf", "--authors-from-registry", environment: ["HF_ENDPOINT": hub.base])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(hub.requests().map(\.key) == ["author=Alibaba-NLP", "author=Qwen", "author=deepseek-ai"])
        let owners = try Self.rows(sandbox, "SELECT id, organization FROM models ORDER BY id")
        #expect(owners == [["Qwen/Qwen3-8B", "alibaba"], ["deepseek-ai/DeepSeek-R1", "deepseek"]])
    }

    @Test func limitAsksTheLastPageForWhatIsLeftAndStops() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [Self.pageTwo]])
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base, "--limit", "3", "--sort", "likes", "--pipeline-tag", "text-generation", "--search", "a b")
        #expect(run.status == 0, "\(run.stderr)")
        let requests = hub.requests()
        #expect(requests.count == 2)
        #expect(requests.first?.path.hasPrefix("/api/models?pipeline_tag=text-generation&search=a%20b&sort=likes&direction=-1&limit=3&") == true,
                "\(requests.first?.path ?? "")")
        #expect(requests.last?.path == "/api/models?cursor=p2&limit=1")
    }

    @Test func sinceSortedByCreationStopsPagingAndKeepsOnlyNewerModels() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, [
            "start": [.page([Self.model("a/new", downloads: 5, likes: 1, created: "2025-06-02"), Self.model("a/old", downloads: 7, likes: 2, created: "2025-04-30")], next: "p2")],
            "p2": [.page([Self.model("a/older", downloads: 9, likes: 3, created: "2025-01-01")])],
        ])
        let run = try sandbox.owl("pull", "hf", "--endpoint", hub.base, "--sort", "createdAt", "--since", "2025-05-01")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(hub.requests().map(\.key) == ["start"])
        #expect(try Self.rows(sandbox, "SELECT id FROM models ORDER BY id") == [["a/new"]])
    }

    @Test func commandLineAndDatabaseMistakesSendNoRequest() throws {
        let sandbox = try Sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne]])
        let noDatabase = try sandbox.owl("pull", "hf", "--endpoint", hub.base)
        #expect(noDatabase.status == 1)
        #expect(noDatabase.stderr.contains("no database at owl.sqlite; run `owl init --db owl.sqlite`"), "\(noDatabase.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("owl.sqlite")))
        #expect(try sandbox.owl("init").status == 0)
        let badEndpoint = try sandbox.owl("pull", "hf", "--endpoint", "ftp://example.org")
        #expect(badEndpoint.status == 2)
        #expect(badEndpoint.stderr.contains("--endpoint must be an http or https address"), "\(badEndpoint.stderr)")
        let badEnvironment = try sandbox.owl("pull", "hf", environment: ["HF_ENDPOINT": "not a url"])
        #expect(badEnvironment.status == 2)
        #expect(try sandbox.owl("pull", "hf", "--since", "2025-02-30").status == 2)
        #expect(try sandbox.owl("pull", "hf", "--resume", "--author", "x").status == 2)
        #expect(try sandbox.owl("pull", "hf", "--author", "x", "--authors-from-registry").status == 2)
        #expect(hub.requests().isEmpty)
    }

    @Test func progressShowsPagesModelsAndWaitsOnATerminalOnly() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [HubReplay.Answer(status: 429, headers: ["Retry-After": "1"]), Self.pageTwo]])
        // util-linux's script(1) gives owl a terminal.
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "\(script) (util-linux) is needed to give owl a terminal")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", "'\(sandbox.owl.path)' pull hf --endpoint \(hub.base)", "/dev/null"]
        process.currentDirectoryURL = sandbox.folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("\r\u{1B}[Kpage-0001.json: 2 model(s), 2 in all"), "\(output)")
        #expect(output.contains("rate limited (HTTP 429); try 2 of 5 for page-0002.json: waiting 1.0 s"), "\(output)")
        #expect(output.contains("\r\u{1B}[Kpage-0002.json: 1 model(s), 3 in all"), "\(output)")
        #expect(output.contains("\r\u{1B}[Kloading page-0002.json: 2 of 2 page(s)"), "\(output)")

        let plain = try sandbox.owl("pull", "hf", "--endpoint", hub.base)
        #expect(plain.status == 0)
        #expect(!plain.stderr.contains("\u{1B}[K") && !plain.stderr.contains("in all"), "\(plain.stderr)")
    }

    @Test func ctrlCLeavesTheFolderAndTheDatabaseConsistentAndResumable() throws {
        let sandbox = try Self.sandbox()
        let hub = try HubReplay(in: sandbox, ["start": [Self.pageOne], "p2": [HubReplay.Answer(body: Self.pageTwo.body, delay: 5)]])
        let child = try sandbox.relSpawn(["pull", "hf", "--endpoint", hub.base])
        // Interrupted while page 2 is on its way.
        var waited = 0
        while hub.requests().filter({ $0.key == "p2" }).isEmpty && waited < 200 {
            usleep(50_000)
            waited += 1
        }
        usleep(200_000)
        kill(child, SIGINT)
        #expect(relWait(child) == .signalled(SIGINT))
        let folder = try #require(try Self.pulls(sandbox).first)
        let manifest = try Self.manifest(folder)
        #expect((manifest["pages"] as? [Any])?.count == 1)
        #expect(manifest["complete"] as? Bool == false)
        #expect(try Self.observations(sandbox).isEmpty)
        #expect(try sandbox.owl("query", "--sql", "PRAGMA integrity_check").stdout.contains("ok"))

        try hub.set(["start": [Self.pageOne], "p2": [Self.pageTwo]])
        let resumed = try sandbox.owl("pull", "hf", "--resume")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.observations(sandbox) == Self.expectedObservations)
    }
}

private enum Paths {
    static func name(of path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}
