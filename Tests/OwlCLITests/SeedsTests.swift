import Foundation
import SQLiteDB
import Testing

// Tests of the curated dataset in Seeds/: it loads with `owl ingest Seeds/` into a fresh database
// with no error and no skipped row, it has the coverage the project promises (organizations,
// releases, models, metrics, observations), its rows are consistent with each other and with the
// cut-off date named in Seeds/README.md, and a handful of well-known facts are stored as they are.
// Every check runs against the database that owl built from the files, so it tests the data
// as owl reads it.

// MARK: Helpers (names prefixed with `seed` to stay clear of other test files' helpers)

/// The Seeds folder of the package.
let seedFolder = packageRoot.appending(path: "Seeds")

/// The cut-off date of the dataset (Seeds/README.md): nothing is dated after it.
let seedCutOff = "2025-11-30"

/// The first date the dataset covers (releases from 2023-01 on).
let seedStart = "2023-01-01"

/// Models whose total parameter count no source gives, as listed under "Known gaps" in
/// Seeds/README.md. Any other model without a total is a defect of the data.
let seedDocumentedMissingTotal: Set<String> = ["MiniMaxAI/MiniMax-VL-01"]

/// MoE models whose active parameter count no source gives, as listed under "Known gaps" in
/// Seeds/README.md. Any other MoE model without an active figure is a defect of the data.
let seedDocumentedMissingActive: Set<String> = ["xai-org/grok-1", "MiniMaxAI/MiniMax-VL-01"]

/// The organizations whose models may be `open-source` (weights + training code + data), as
/// Seeds/README.md lists them: Ai2 (OLMo/Olmo), EleutherAI (Pythia), Hugging Face (SmolLM),
/// Swiss AI (Apertus) and MBZUAI (K2 Think).
let seedOpenSourceOrganizations: Set<String> = ["ai2", "eleutherai", "huggingface", "swiss-ai", "mbzuai"]

/// A database loaded from Seeds/ in a fresh sandbox, with the ingest run that loaded it.
final class SeedDatabase {
    let box: Sandbox
    let ingest: Run
    let db: Database

    init() throws {
        box = try Sandbox()
        ingest = try box.run(["ingest", seedFolder.path, "--db", "seeds.sqlite"])
        db = try Database(path: box.path("seeds.sqlite"), mode: .readOnly)
    }

    func rows(_ sql: String, _ values: [SQLBindable?] = []) throws -> [[SQLValue]] {
        try db.rows(sql, values)
    }

    /// The rows of `sql`, each as its cells joined by `|` (NULL as an empty cell, whole reals
    /// without a fraction), for comparisons that read well in a failure message.
    func lines(_ sql: String, _ values: [SQLBindable?] = []) throws -> [String] {
        try rows(sql, values).map { $0.map(seedCell).joined(separator: "|") }
    }

    /// The first cell of the first row as an integer (-1 when there is none).
    func int(_ sql: String, _ values: [SQLBindable?] = []) throws -> Int {
        Int(try rows(sql, values).first?.first?.integerValue ?? -1)
    }

    /// The first column of every row as text.
    func column(_ sql: String, _ values: [SQLBindable?] = []) throws -> [String] {
        try rows(sql, values).map { seedCell($0.first ?? .null) }
    }
}

func seedCell(_ value: SQLValue) -> String {
    switch value {
    case .null: return ""
    case .integer(let v): return String(v)
    case .real(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    case .text(let v): return v
    case .blob(let v): return "<\(v.count) bytes>"
    }
}

/// The records of a CSV file (RFC 4180: quoted fields may hold commas, quotes and newlines),
/// header included.
func seedCSV(_ name: String) throws -> [[String]] {
    let text = try String(contentsOf: seedFolder.appending(path: name), encoding: .utf8)
    return parseCSV(text).filter { $0 != [""] }
}

/// The text of Seeds/README.md.
func seedReadme() throws -> String {
    try String(contentsOf: seedFolder.appending(path: "README.md"), encoding: .utf8)
}

/// Whether `text` is a calendar date written YYYY-MM-DD that exists.
func seedIsExactDate(_ text: String) -> Bool {
    guard text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}/#) != nil else { return false }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.isLenient = false
    guard let date = formatter.date(from: text) else { return false }
    return formatter.string(from: date) == text
}

/// Whether `text` is an https URL with a host.
func seedIsHTTPS(_ text: String) -> Bool {
    guard let url = URL(string: text), url.scheme == "https", let host = url.host, host.contains(".") else { return false }
    return !text.contains(" ")
}

@Suite struct SeedsTests {}

// MARK: Loading

extension SeedsTests {
@Suite struct Loading {
    static let entities = ["organizations", "releases", "models", "model_bases", "metrics", "observations"]

    @Test func ingestOfTheSeedsFolderLoadsEveryRowWithNoErrorAndNoSkip() throws {
        let seeds = try SeedDatabase()
        #expect(seeds.ingest.status == 0, "owl ingest Seeds/ exited \(seeds.ingest.status): \(seeds.ingest.stderr)")
        // Only the note that README.md, the dataset's description, is not data.
        #expect(seeds.ingest.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("skipped ") && $0.hasSuffix("README.md (documentation)") },
                "owl ingest Seeds/ wrote to standard error:\n\(seeds.ingest.stderr)")
        for entity in Self.entities {
            // Every data row of the file was read, inserted, and is in the table.
            let fileRows = try seedCSV("\(entity).csv").count - 1
            let counts = impSummaryCounts(impSummaryLine(seeds.ingest.stdout, entity))
            #expect(counts["read"] == fileRows, "\(entity): \(seeds.ingest.stdout)")
            #expect(counts["inserted"] == fileRows, "\(entity): \(seeds.ingest.stdout)")
            #expect(counts["skipped"] == 0, "\(entity): \(seeds.ingest.stdout)")
            // models.stubs.csv (7 stubs) is a second file of models.
            let stored = entity == "models" ? "models WHERE NOT stub" : entity
            #expect(try seeds.int("SELECT count(*) FROM \(stored)") == fileRows, "\(entity) holds fewer rows than \(entity).csv")
        }
        #expect(try seeds.int("SELECT count(*) FROM models WHERE stub") == seedCSV("models.stubs.csv").count - 1)
        // The lineage agrees: one batch per file, nothing skipped, no reject.
        #expect(try seeds.column("SELECT entity FROM batches ORDER BY id")
                == ["organizations", "releases", "models", "models", "model_bases", "metrics", "observations"])
        #expect(try seeds.int("SELECT coalesce(sum(skipped), -1) FROM batches") == 0)
        #expect(try seeds.int("SELECT count(*) FROM rejects") == 0)
    }

    @Test func reloadingTheSeedsChangesNothing() throws {
        let seeds = try SeedDatabase()
        #expect(seeds.ingest.status == 0, "\(seeds.ingest.stderr)")
        let again = try seeds.box.run(["ingest", seedFolder.path, "--db", "seeds.sqlite"])
        #expect(again.status == 0, "\(again.stderr)")
        for entity in Self.entities {
            let counts = impSummaryCounts(impSummaryLine(again.stdout, entity))
            #expect(counts["inserted"] == 0 && counts["updated"] == 0 && counts["skipped"] == 0, "\(entity): \(again.stdout)")
            #expect(counts["unchanged"] == counts["read"], "\(entity): \(again.stdout)")
        }
    }
}
}

// MARK: Coverage

extension SeedsTests {
@Suite struct Coverage {
    @Test func organizationsSpanAtLeastEightCountriesWithTheirHuggingFaceNamespaces() throws {
        let seeds = try SeedDatabase()
        // The hand-curated labs and the namespace registry (Seeds/README.md): 403 organizations.
        #expect(try seeds.int("SELECT count(*) FROM organizations") == 403)
        let countries = Set(try seeds.column("SELECT DISTINCT country FROM organizations"))
        #expect(countries.count >= 8, "countries: \(countries.sorted())")
        for country in ["CN", "US", "FR", "CA", "AE", "KR", "IL"] {
            #expect(countries.contains(country), "no organization from \(country): \(countries.sorted())")
        }
        #expect(countries.contains("GB") || countries.contains("DE"), "no organization from GB or DE: \(countries.sorted())")

        // Each has at least one Hugging Face namespace, every namespace well formed and claimed
        // by one organization only.
        var owner: [String: String] = [:]
        for row in try seeds.rows("SELECT id, coalesce(hf_namespaces, '') FROM organizations ORDER BY id") {
            let id = seedCell(row[0]), list = seedCell(row[1])
            let namespaces = list.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            #expect(!list.isEmpty, "organization \(id) has no Hugging Face namespace")
            for namespace in namespaces where !list.isEmpty {
                #expect(namespace.wholeMatch(of: #/[A-Za-z0-9][A-Za-z0-9._-]*/#) != nil, "organization \(id): namespace \"\(namespace)\"")
                #expect(owner[namespace.lowercased()] == nil, "namespace \(namespace) claimed by \(owner[namespace.lowercased()] ?? "") and \(id)")
                owner[namespace.lowercased()] = id
            }
        }
        // Every model's repo lives under a namespace of its own organization.
        let strays = try seeds.lines("""
            SELECT m.id, m.organization, o.hf_namespaces FROM models m JOIN organizations o ON o.id = m.organization
            WHERE instr(';' || o.hf_namespaces || ';', ';' || substr(m.id, 1, instr(m.id, '/') - 1) || ';') = 0
            """)
        #expect(strays.isEmpty, "models outside their organization's namespaces: \(strays)")
    }

    @Test func atLeastSixtyReleasesWithExactDatesFrom2023To2025_11() throws {
        let seeds = try SeedDatabase()
        let releases = try seeds.rows("SELECT id, released_on FROM releases ORDER BY released_on")
        #expect(releases.count >= 60)
        for row in releases {
            let id = seedCell(row[0]), date = seedCell(row[1])
            #expect(seedIsExactDate(date), "release \(id): released_on \"\(date)\" is not an exact date")
            #expect(date >= seedStart && date <= seedCutOff, "release \(id): \(date) is outside \(seedStart)…\(seedCutOff)")
        }
        // The releases spread over the whole span, not one corner of it.
        let years = Set(releases.map { String(seedCell($0[1]).prefix(4)) })
        #expect(years == ["2023", "2024", "2025"], "years: \(years.sorted())")
        // The 2025 cadence: releases in every month from January to November.
        let months2025 = Set(releases.map { seedCell($0[1]) }.filter { $0.hasPrefix("2025-") }.map { String($0.prefix(7)) })
        #expect(months2025.count == 11, "2025 months with a release: \(months2025.sorted())")
    }

    @Test func atLeast150ModelsEachWithFamilyParametersArchitectureLicenceOpennessAndRepoId() throws {
        let seeds = try SeedDatabase()
        let models = try seeds.rows("""
            SELECT id, coalesce(family, ''), params_total_b, params_active_b, coalesce(architecture, ''),
                   coalesce(license, ''), coalesce(openness, '') FROM models WHERE NOT stub ORDER BY id
            """)
        #expect(models.count >= 150)
        var missingTotal: Set<String> = [], missingActive: Set<String> = []
        for row in models {
            let id = seedCell(row[0])
            #expect(!seedCell(row[1]).isEmpty, "model \(id) has no family")
            if row[2] == .null { missingTotal.insert(id) }
            #expect(["dense", "moe"].contains(seedCell(row[4])), "model \(id): architecture \"\(seedCell(row[4]))\"")
            if seedCell(row[4]) == "moe" && row[3] == .null { missingActive.insert(id) }
            #expect(!seedCell(row[5]).isEmpty, "model \(id) has no licence")
            #expect(["open-source", "open-weights", "restricted-weights"].contains(seedCell(row[6])), "model \(id): openness \"\(seedCell(row[6]))\"")
            // The id is the Hugging Face repo id: NAMESPACE/NAME.
            #expect(id.wholeMatch(of: #/[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*/#) != nil, "model id \"\(id)\" is not a Hugging Face repo id")
        }
        // Rule: every model states its total parameters, and every MoE model its active ones,
        // except the gaps Seeds/README.md documents by name.
        #expect(missingTotal == seedDocumentedMissingTotal,
                "models without params_total_b: \(missingTotal.sorted()); documented: \(seedDocumentedMissingTotal.sorted())")
        #expect(missingActive == seedDocumentedMissingActive,
                "MoE models without params_active_b: \(missingActive.sorted()); documented: \(seedDocumentedMissingActive.sorted())")
        // Both architectures are there.
        #expect(try seeds.int("SELECT count(*) FROM models WHERE architecture = 'moe'") > 0)
        #expect(try seeds.int("SELECT count(*) FROM models WHERE architecture = 'dense'") > 0)
    }

    @Test func theDocumentedGapsAreNamedInTheReadme() throws {
        let readme = try seedReadme()
        // Each exception the checks allow is one Seeds/README.md explains.
        let gaps = try #require(readme.range(of: "## Known gaps").map { String(readme[$0.lowerBound...]) }, "no Known gaps section")
        let flat = gaps.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("Active parameters are left empty where no source states them (Grok-1, MiniMax-VL-01)"), "\(flat)")
        #expect(flat.contains("MiniMax-VL-01's total is also left empty"))
    }

    @Test func modelsWithAHuggingFaceRepoLinkToIt() throws {
        let seeds = try SeedDatabase()
        // A model whose url is a Hugging Face page links to its own repo, named by its id.
        let mismatched = try seeds.lines("""
            SELECT id, url FROM models WHERE url LIKE 'https://huggingface.co/%' AND url <> 'https://huggingface.co/' || id
            """)
        #expect(mismatched.isEmpty, "Hugging Face urls that are not the model's repo: \(mismatched)")
        #expect(try seeds.int("SELECT count(*) FROM models WHERE url LIKE 'https://huggingface.co/%'") >= 150)
    }

    @Test func aiTwosOlmoModelsAreOpenSourceAndOnlyTheDocumentedLabsAre() throws {
        let seeds = try SeedDatabase()
        let olmo = try seeds.lines("SELECT id, openness FROM models WHERE organization = 'ai2' AND lower(id) LIKE 'allenai/olmo%' ORDER BY id")
        #expect(olmo.count >= 4, "\(olmo)")
        #expect(olmo.allSatisfy { $0.hasSuffix("|open-source") }, "\(olmo)")
        // The Olmo 3 release of 2025-11 is among them.
        #expect(olmo.contains { $0.hasPrefix("allenai/Olmo-3-") }, "\(olmo)")
        let openSourceOrganizations = Set(try seeds.column("SELECT DISTINCT organization FROM models WHERE openness = 'open-source'"))
        #expect(openSourceOrganizations.isSubset(of: seedOpenSourceOrganizations),
                "open-source models from \(openSourceOrganizations.subtracting(seedOpenSourceOrganizations).sorted())")
        #expect(openSourceOrganizations.contains("ai2"))
    }

    @Test func metaLlamaModelsAreRestrictedWeightsUnderALlamaLicence() throws {
        let seeds = try SeedDatabase()
        let llama = try seeds.lines("SELECT id, license, openness FROM models WHERE id LIKE 'meta-llama/%' AND NOT stub ORDER BY id")
        #expect(llama.count >= 10, "\(llama)")
        for line in llama {
            let cells = line.split(separator: "|").map(String.init)
            #expect(cells[1].hasPrefix("llama") && cells[2] == "restricted-weights", "\(line)")
        }
    }

    @Test func opennessAgreesWithTheLicence() throws {
        let seeds = try SeedDatabase()
        // Permissive OSI licences are never "restricted"; community / non-commercial licences never "open".
        let permissiveButRestricted = try seeds.lines("""
            SELECT id, license, openness FROM models WHERE license IN ('apache-2.0', 'mit') AND openness = 'restricted-weights'
            """)
        #expect(permissiveButRestricted.isEmpty, "\(permissiveButRestricted)")
        let restrictiveButOpen = try seeds.lines("""
            SELECT id, license, openness FROM models
            WHERE (license LIKE 'llama%' OR license IN ('gemma', 'cc-by-nc-4.0', 'openrail++')) AND openness <> 'restricted-weights'
            """)
        #expect(restrictiveButOpen.isEmpty, "\(restrictiveButOpen)")
    }

    @Test func metricsCoverLikesThirtyDayDownloadsAndABenchmarkScore() throws {
        let seeds = try SeedDatabase()
        #expect(try seeds.lines("SELECT kind, coalesce(window_days, ''), higher_is_better FROM metrics WHERE id = 'hf_likes'")
            == ["cumulative||1"])
        #expect(try seeds.lines("SELECT kind, window_days, higher_is_better FROM metrics WHERE id = 'hf_downloads_30d'")
            == ["window|30|1"])
        let scores = try seeds.column("SELECT id FROM metrics WHERE kind = 'score' ORDER BY id")
        #expect(!scores.isEmpty)
        #expect(Set(scores).isSuperset(of: ["gpqa_diamond", "aime_2025"]), "\(scores)")
        // Each metric says what it measures.
        let undescribed = try seeds.column("SELECT id FROM metrics WHERE coalesce(description, '') = '' OR unit = ''")
        #expect(undescribed.isEmpty, "\(undescribed)")
    }

    @Test func observationsHoldLikesDownloadsAndScoresOfTheProminentModels() throws {
        let seeds = try SeedDatabase()
        func count(_ model: String, _ metric: String) throws -> Int {
            try seeds.int("""
                SELECT count(*) FROM observations o JOIN models m ON m.key = o.model JOIN metrics k ON k.key = o.metric
                WHERE m.id = ? AND k.id = ?
                """, [model, metric])
        }
        // Likes and 30-day downloads of the most prominent models.
        for model in ["openai/gpt-oss-20b", "openai/gpt-oss-120b", "meta-llama/Llama-3.1-8B-Instruct"] {
            #expect(try count(model, "hf_likes") >= 1, "no likes of \(model)")
            #expect(try count(model, "hf_downloads_30d") >= 1, "no downloads of \(model)")
        }
        for model in ["moonshotai/Kimi-K2-Thinking", "zai-org/GLM-4.6", "allenai/Olmo-3-32B-Think"] {
            #expect(try count(model, "hf_likes") >= 1, "no likes of \(model)")
        }
        // Benchmark scores of the flagship models.
        for (model, metric) in [("Qwen/Qwen3-235B-A22B", "gpqa_diamond"), ("Qwen/Qwen3-235B-A22B", "aime_2025"),
                                ("deepseek-ai/DeepSeek-R1", "gpqa_diamond"), ("openai/gpt-oss-120b", "gpqa_diamond"),
                                ("openai/gpt-oss-120b", "aime_2025"), ("openai/gpt-oss-120b", "aa_intelligence_index_v2")] {
            #expect(try count(model, metric) == 1, "\(model) \(metric)")
        }
        let perKind = Dictionary(uniqueKeysWithValues: try seeds.rows("""
            SELECT k.kind, count(*) FROM observations o JOIN metrics k ON k.key = o.metric GROUP BY k.kind
            """).map { (seedCell($0[0]), Int($0[1].integerValue ?? 0)) })
        #expect((perKind["cumulative"] ?? 0) >= 10 && (perKind["window"] ?? 0) >= 5 && (perKind["score"] ?? 0) >= 10, "\(perKind)")
    }

    @Test func theReadmeTableMatchesTheData() throws {
        let seeds = try SeedDatabase()
        let readme = try seedReadme()
        let organizations = try seeds.int("SELECT count(*) FROM organizations")
        let countries = try seeds.int("SELECT count(DISTINCT country) FROM organizations WHERE country <> 'ZZ'")
        let unknown = try seeds.int("SELECT count(*) FROM organizations WHERE country = 'ZZ'")
        #expect(readme.contains("| `organizations.csv` |") && readme.contains("| \(organizations) (\(countries) countries; \(unknown) with country ZZ) |"),
                "README does not say \(organizations) organizations from \(countries) countries, \(unknown) with country ZZ")
        let releases = try seeds.int("SELECT count(*) FROM releases")
        let span = try seeds.lines("SELECT min(released_on), max(released_on) FROM releases")[0].split(separator: "|")
        #expect(readme.contains("| \(releases) (\(span[0]) to \(span[1])) |"),
                "README does not say \(releases) releases from \(span[0]) to \(span[1])")
        let models = try seeds.int("SELECT count(*) FROM models WHERE NOT stub")
        let dense = try seeds.int("SELECT count(*) FROM models WHERE architecture = 'dense'")
        let moe = try seeds.int("SELECT count(*) FROM models WHERE architecture = 'moe'")
        #expect(readme.contains("| \(models) (\(dense) dense, \(moe) MoE) |"),
                "README does not say \(models) models (\(dense) dense, \(moe) MoE)")
    }
}
}

// MARK: Consistency
//
// These checks read the CSV files themselves, so that they name the offending row even where
// owl's own validation would refuse it (and keep holding if that validation changes).

/// The data rows of a Seeds CSV file, keyed by column name.
func seedTable(_ name: String) throws -> [[String: String]] {
    let records = try seedCSV(name)
    guard let header = records.first else { return [] }
    return records.dropFirst().map { record in
        var row: [String: String] = [:]
        for (index, column) in header.enumerated() { row[column] = index < record.count ? record[index] : "" }
        return row
    }
}

extension SeedsTests {
@Suite struct Consistency {
    @Test func everyModelsReleaseBelongsToTheModelsOrganization() throws {
        let releases = Dictionary(uniqueKeysWithValues: try seedTable("releases.csv").map { ($0["id"]!, $0) })
        let models = try seedTable("models.csv")
        #expect(models.count >= 150)
        var unknown: [String] = [], mismatched: [String] = []
        for model in models {
            let id = model["id"]!, releaseID = model["release"] ?? ""
            guard let release = releases[releaseID] else { unknown.append("\(id) → \"\(releaseID)\""); continue }
            if release["organization"] != model["organization"] {
                mismatched.append("\(id) (\(model["organization"]!)) → \(releaseID) (\(release["organization"]!))")
            }
        }
        #expect(unknown.isEmpty, "models without a known release: \(unknown)")
        #expect(mismatched.isEmpty, "models whose release is another organization's: \(mismatched)")
        // Every release has at least one model.
        let used = Set(models.map { $0["release"] ?? "" })
        let empty = releases.keys.filter { !used.contains($0) }.sorted()
        #expect(empty.isEmpty, "releases without a model: \(empty)")
    }

    @Test func moeModelsHaveFewerActiveThanTotalParameters() throws {
        let moe = try seedTable("models.csv").filter { $0["architecture"] == "moe" }
        #expect(moe.count >= 20)
        var compared = 0
        var wrong: [String] = []
        for model in moe {
            let total = Double(model["params_total_b"] ?? ""), active = Double(model["params_active_b"] ?? "")
            if let total, let active {
                compared += 1
                if !(active > 0 && active < total) { wrong.append("\(model["id"]!): active \(active), total \(total)") }
            } else if active != nil {
                wrong.append("\(model["id"]!): active \(active!) without a total")
            }
        }
        #expect(wrong.isEmpty, "MoE models whose active parameters are not below the total: \(wrong)")
        // Every MoE model is compared, except the documented gaps.
        #expect(compared == moe.count - seedDocumentedMissingActive.count, "compared \(compared) of \(moe.count)")
    }

    @Test func denseModelsHaveNoActiveFigure() throws {
        let dense = try seedTable("models.csv").filter { $0["architecture"] == "dense" }
        #expect(dense.count >= 100)
        let wrong = dense.filter { !($0["params_active_b"] ?? "").isEmpty }.map { "\($0["id"]!): \($0["params_active_b"]!)" }
        #expect(wrong.isEmpty, "dense models with params_active_b: \(wrong)")
    }

    @Test func nothingIsDatedAfterTheCutOff() throws {
        for (file, column) in [("releases.csv", "released_on"), ("models.csv", "released_on"), ("observations.csv", "observed_on")] {
            let rows = try seedTable(file)
            #expect(!rows.isEmpty)
            let late = rows.filter { ($0[column] ?? "") > seedCutOff }
                .map { "\($0["id"] ?? "\($0["model"]!) \($0["metric"]!)"): \($0[column]!)" }
            #expect(late.isEmpty, "\(file): \(column) after \(seedCutOff): \(late)")
        }
        // The loaded database agrees, including the dates models inherit from their release.
        let seeds = try SeedDatabase()
        #expect(try seeds.int("SELECT count(*) FROM models") >= 150)
        let late = try seeds.lines("""
            SELECT 'release ' || id, released_on FROM releases WHERE released_on > ?1
            UNION ALL SELECT 'model ' || id, released_on FROM models WHERE released_on > ?1
            UNION ALL SELECT 'observation ' || model, observed_on FROM observations_named WHERE observed_on > ?1
            """, [seedCutOff])
        #expect(late.isEmpty, "\(late)")
    }

    @Test func aModelDatedApartFromItsReleaseCameOutAfterIt() throws {
        let releases = Dictionary(uniqueKeysWithValues: try seedTable("releases.csv").map { ($0["id"]!, $0["released_on"]!) })
        let models = try seedTable("models.csv")
        let dated = models.filter { !($0["released_on"] ?? "").isEmpty }
        #expect(!dated.isEmpty)
        for model in dated {
            let own = model["released_on"]!
            #expect(seedIsExactDate(own), "\(model["id"]!): released_on \"\(own)\"")
            if let release = releases[model["release"] ?? ""] {
                // Filled only when the checkpoint appeared on a different (later) day.
                #expect(own > release, "\(model["id"]!) dated \(own), its release \(model["release"]!) \(release)")
            }
        }
        // A model without its own date carries its release's once loaded.
        let seeds = try SeedDatabase()
        let inherited = models.filter { ($0["released_on"] ?? "").isEmpty }.map { $0["id"]! }
        #expect(inherited.count >= 100)
        let carrying = try seeds.int("""
            SELECT count(*) FROM models m JOIN releases r ON r.id = m.release WHERE m.released_on = r.released_on
            """)
        #expect(carrying >= inherited.count)
    }

    @Test func observationsFollowTheModelsRelease() throws {
        let releases = Dictionary(uniqueKeysWithValues: try seedTable("releases.csv").map { ($0["id"]!, $0["released_on"]!) })
        var modelDate: [String: String] = [:]
        for model in try seedTable("models.csv") {
            let own = model["released_on"] ?? ""
            modelDate[model["id"]!] = own.isEmpty ? releases[model["release"] ?? ""] : own
        }
        let observations = try seedTable("observations.csv")
        #expect(!observations.isEmpty)
        var unknown: [String] = [], early: [String] = []
        for row in observations {
            let key = "\(row["model"]!) \(row["metric"]!) \(row["observed_on"]!)"
            guard let date = modelDate[row["model"]!] else { unknown.append(key); continue }
            if row["observed_on"]! < date { early.append("\(key) (model out \(date))") }
        }
        #expect(unknown.isEmpty, "observations of unknown models: \(unknown)")
        #expect(early.isEmpty, "observations dated before the model came out: \(early)")
    }

    @Test func observationValuesFitTheirMetric() throws {
        let metrics = Dictionary(uniqueKeysWithValues: try seedTable("metrics.csv").map { ($0["id"]!, $0) })
        let observations = try seedTable("observations.csv")
        #expect(!observations.isEmpty)
        var bad: [String] = []
        var series: [String: [(String, Double)]] = [:]
        for row in observations {
            let key = "\(row["model"]!) \(row["metric"]!) \(row["observed_on"]!)"
            guard let metric = metrics[row["metric"]!] else { bad.append("\(key): unknown metric"); continue }
            guard let value = Double(row["value"]!) else { bad.append("\(key): value \"\(row["value"]!)\""); continue }
            // Likes and downloads are whole, non-negative counts; percent scores lie in 0…100.
            if ["cumulative", "window"].contains(metric["kind"]!) && (value < 0 || value != value.rounded()) {
                bad.append("\(key): \(value) is not a count")
            }
            if metric["unit"] == "percent" && !(0...100).contains(value) { bad.append("\(key): \(value) is not a percentage") }
            if metric["kind"] == "cumulative" { series["\(row["model"]!) \(row["metric"]!)", default: []].append((row["observed_on"]!, value)) }
        }
        #expect(bad.isEmpty, "\(bad)")
        // Cumulative likes never fall from one snapshot to a later one.
        var falling: [String] = []
        for (key, points) in series {
            let sorted = points.sorted { $0.0 < $1.0 }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.1 < a.1 {
                falling.append("\(key): \(a.0) \(a.1) → \(b.0) \(b.1)")
            }
        }
        #expect(falling.isEmpty, "cumulative counts that fall: \(falling)")
        #expect(!series.isEmpty)
    }
}
}

// MARK: Sources

extension SeedsTests {
@Suite struct SourceLinks {
    @Test func everyReleaseModelAndOrganizationHasAnHTTPSURL() throws {
        let seeds = try SeedDatabase()
        for table in ["organizations", "releases", "models"] {
            let rows = try seeds.rows("SELECT id, coalesce(url, '') FROM \(table) ORDER BY id")
            #expect(!rows.isEmpty)
            let bad = rows.filter { !seedIsHTTPS(seedCell($0[1])) }.map { "\(seedCell($0[0])): \"\(seedCell($0[1]))\"" }
            #expect(bad.isEmpty, "\(table) without an https url: \(bad)")
        }
    }

    @Test func everyObservationHasASourceAndAnExactDate() throws {
        let seeds = try SeedDatabase()
        let rows = try seeds.rows("""
            SELECT m.id, k.id, date(o.observed_day * 86400, 'unixepoch'), coalesce(o.source, '') FROM observations o JOIN models m ON m.key = o.model
            JOIN metrics k ON k.key = o.metric ORDER BY 1, 2, 3
            """)
        #expect(!rows.isEmpty)
        for row in rows {
            let key = "\(seedCell(row[0])) \(seedCell(row[1])) \(seedCell(row[2]))"
            #expect(seedIsExactDate(seedCell(row[2])), "\(key): observed_on is not an exact date")
            #expect(seedIsHTTPS(seedCell(row[3])), "\(key): source \"\(seedCell(row[3]))\" is not an https url")
        }
    }

    @Test func theReadmeNamesTheCutOffDate() throws {
        let readme = try seedReadme()
        let match = try #require(readme.firstMatch(of: #/cut-off date\W*(\d{4}-\d{2}-\d{2})/#),
                                 "Seeds/README.md does not name its cut-off date")
        #expect(String(match.1) == seedCutOff)
        // The observations section states the same bound.
        #expect(readme.contains("No figure dated after \(seedCutOff)"))
    }
}
}

// MARK: Spot checks of well-known facts

extension SeedsTests {
@Suite struct SpotChecks {
    /// The model's release id, release date, organization country, architecture, total and
    /// active parameters, licence and openness.
    func facts(_ seeds: SeedDatabase, _ model: String) throws -> String {
        try seeds.lines("""
            SELECT r.id, m.released_on, o.country, m.architecture, coalesce(m.params_total_b, ''), coalesce(m.params_active_b, ''),
                   m.license, m.openness
            FROM models m JOIN releases r ON r.id = m.release JOIN organizations o ON o.id = m.organization WHERE m.id = ?
            """, [model]).first ?? "(no model \(model))"
    }

    @Test func deepSeekR1CameOutOn2025_01_20FromAChineseLab() throws {
        let seeds = try SeedDatabase()
        #expect(try seeds.lines("SELECT r.released_on, o.id, o.country FROM releases r JOIN organizations o ON o.id = r.organization WHERE r.id = 'deepseek-r1'")
            == ["2025-01-20|deepseek|CN"])
        #expect(try facts(seeds, "deepseek-ai/DeepSeek-R1") == "deepseek-r1|2025-01-20|CN|moe|671|37|mit|open-weights")
        #expect(try facts(seeds, "deepseek-ai/DeepSeek-R1-0528") == "deepseek-r1-0528|2025-05-28|CN|moe|671|37|mit|open-weights")
        // The distills are dense models of the same release.
        #expect(try facts(seeds, "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B") == "deepseek-r1|2025-01-20|CN|dense|32||mit|open-weights")
    }

    @Test func gptOssCameOutOn2025_08_05FromAnAmericanLab() throws {
        let seeds = try SeedDatabase()
        #expect(try facts(seeds, "openai/gpt-oss-120b") == "gpt-oss|2025-08-05|US|moe|117|5.1|apache-2.0|open-weights")
        #expect(try facts(seeds, "openai/gpt-oss-20b") == "gpt-oss|2025-08-05|US|moe|21|3.6|apache-2.0|open-weights")
        #expect(try seeds.lines("SELECT organization FROM releases WHERE id = 'gpt-oss'") == ["openai"])
    }

    @Test func qwen3And235BA22B() throws {
        let seeds = try SeedDatabase()
        #expect(try facts(seeds, "Qwen/Qwen3-235B-A22B") == "qwen3|2025-04-29|CN|moe|235|22|apache-2.0|open-weights")
        #expect(try seeds.lines("SELECT organization FROM models WHERE id = 'Qwen/Qwen3-235B-A22B'") == ["alibaba"])
    }

    @Test func longCatFlashChatIsA560BMoEFromMeituan() throws {
        let seeds = try SeedDatabase()
        #expect(try facts(seeds, "meituan-longcat/LongCat-Flash-Chat") == "longcat-flash-chat|2025-09-01|CN|moe|560|27|mit|open-weights")
        #expect(try seeds.lines("SELECT organization FROM models WHERE id = 'meituan-longcat/LongCat-Flash-Chat'") == ["meituan"])
    }

    @Test func otherWellKnownReleases() throws {
        let seeds = try SeedDatabase()
        // Release dates as the labs announced them (the urls of releases.csv).
        #expect(try seeds.lines("""
            SELECT id, organization, released_on FROM releases
            WHERE id IN ('llama-2', 'llama-3', 'llama-3.1', 'llama-4', 'mistral-7b', 'gemma-3', 'kimi-k2', 'glm-4.5', 'minimax-m2', 'olmo-3', 'qwen2.5', 'grok-1')
            ORDER BY released_on
            """) == [
                "llama-2|meta|2023-07-18", "mistral-7b|mistral|2023-09-27", "grok-1|xai|2024-03-17", "llama-3|meta|2024-04-18",
                "llama-3.1|meta|2024-07-23", "qwen2.5|alibaba|2024-09-19", "gemma-3|google|2025-03-12", "llama-4|meta|2025-04-05",
                "kimi-k2|moonshot|2025-07-11", "glm-4.5|zhipu|2025-07-28", "minimax-m2|minimax|2025-10-27", "olmo-3|ai2|2025-11-20",
            ])
    }

    @Test func otherWellKnownModels() throws {
        let seeds = try SeedDatabase()
        #expect(try facts(seeds, "moonshotai/Kimi-K2-Instruct") == "kimi-k2|2025-07-11|CN|moe|1000|32|other|open-weights")
        #expect(try facts(seeds, "mistralai/Mixtral-8x7B-v0.1").hasSuffix("|FR|moe|46.7|12.9|apache-2.0|open-weights"))
        #expect(try facts(seeds, "mistralai/Mixtral-8x22B-Instruct-v0.1").hasSuffix("|FR|moe|141|39|apache-2.0|open-weights"))
        #expect(try facts(seeds, "mistralai/Mistral-7B-v0.1") == "mistral-7b|2023-09-27|FR|dense|7.3||apache-2.0|open-weights")
        #expect(try facts(seeds, "meta-llama/Llama-3.1-405B") == "llama-3.1|2024-07-23|US|dense|405||llama3.1|restricted-weights")
        #expect(try facts(seeds, "xai-org/grok-1") == "grok-1|2024-03-17|US|moe|314||apache-2.0|open-weights")
        #expect(try facts(seeds, "allenai/OLMo-2-0325-32B").hasSuffix("|US|dense|32||apache-2.0|open-source"))
    }

    @Test func organizationsAreInTheirCountries() throws {
        let seeds = try SeedDatabase()
        #expect(try seeds.lines("""
            SELECT id, country FROM organizations
            WHERE id IN ('mistral', 'deepseek', 'alibaba', 'meta', 'openai', 'ai2', 'cohere', 'tii', 'lg', 'ai21', 'meituan', 'black-forest-labs', 'stability')
            ORDER BY id
            """) == [
                "ai2|US", "ai21|IL", "alibaba|CN", "black-forest-labs|DE", "cohere|CA", "deepseek|CN", "lg|KR",
                "meituan|CN", "meta|US", "mistral|FR", "openai|US", "stability|GB", "tii|AE",
            ])
    }

    @Test func publishedScoresAreStoredAsPublished() throws {
        let seeds = try SeedDatabase()
        // gpt-oss model card (arXiv:2508.10925), high reasoning effort, no tools; Artificial Analysis index v2.
        #expect(try seeds.lines("""
            SELECT m.id, k.id, date(o.observed_day * 86400, 'unixepoch'), o.value, o.source FROM observations o JOIN models m ON m.key = o.model
            JOIN metrics k ON k.key = o.metric WHERE m.id = 'openai/gpt-oss-120b' AND k.kind = 'score' ORDER BY k.id
            """) == [
                "openai/gpt-oss-120b|aa_intelligence_index_v2|2025-08-06|58|https://artificialanalysis.ai/articles/analysis-openai-gpt-oss-models",
                "openai/gpt-oss-120b|aime_2025|2025-08-08|92.5|https://arxiv.org/abs/2508.10925",
                "openai/gpt-oss-120b|gpqa_diamond|2025-08-08|80.1|https://arxiv.org/abs/2508.10925",
            ])
    }
}
}
