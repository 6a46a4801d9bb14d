import Foundation
import SQLiteDB
import Testing

// Tests of the namespace registry in Seeds/organizations.csv (who is behind each Hugging Face
// namespace), of the table of repos from before namespaces, of the share of a real 2022 Hub
// listing that the two leave without a country, and of the seed models against Epoch AI's file.
// The third-party files are the committed copies under Tests/Fixtures (see its README.md).

/// A committed third-party file under Tests/Fixtures; fails naming the path when it is missing.
func registryFixture(_ relativePath: String) throws -> URL {
    let url = packageRoot.appending(path: "Tests/Fixtures").appending(path: relativePath)
    try #require(FileManager.default.fileExists(atPath: url.path), "missing fixture Tests/Fixtures/\(relativePath)")
    return url
}

/// The records of a committed fixture CSV, header first.
func registryFixtureCSV(_ relativePath: String) throws -> [[String]] {
    parseCSV(try String(contentsOf: try registryFixture(relativePath), encoding: .utf8)).filter { $0 != [""] }
}

/// The rows of a CSV as dictionaries keyed by the header.
func registryRecords(_ records: [[String]]) -> [[String: String]] {
    guard let header = records.first else { return [] }
    return records.dropFirst().map { Dictionary(zip(header, $0), uniquingKeysWith: { first, _ in first }) }
}

/// The body rows of the Markdown table in Seeds/README.md whose header row starts with `header`,
/// each as its trimmed cells.
func registryReadmeTable(startingWith header: String) throws -> [[String]] {
    let lines = try seedReadme().components(separatedBy: "\n")
    let start = try #require(lines.firstIndex { $0.hasPrefix(header) }, "Seeds/README.md has no table starting \"\(header)\"")
    return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { line in
        line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// The countries of the EU, the EEA, the UK and Switzerland: the ATOM Project's `eu` region.
let registryEuropeanCountries: Set<String> = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
    "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "GB", "CH",
]

/// The labs of the first, hand-curated seeds, which cite a page of their own site. Every
/// organization the registry added cites its namespace's Hub page (Seeds/README.md, "Sources").
let registryCuratedLabs: Set<String> = [
    "meta", "google", "openai", "microsoft", "nvidia", "ibm", "ai2", "mistral", "deepseek", "alibaba", "moonshot", "zhipu",
    "minimax", "meituan", "baidu", "tencent", "bytedance", "stepfun", "01-ai", "xiaomi", "cohere", "tii", "lg", "upstage",
    "ai21", "stability", "black-forest-labs", "aleph-alpha", "huggingface", "swiss-ai", "eleutherai", "databricks",
    "snowflake", "xai", "lmsys", "shanghai-ai-lab", "liquid-ai", "naver", "mbzuai",
]

@Suite struct SeedsNamespaceRegistryTests {}

// MARK: The registry

extension SeedsNamespaceRegistryTests {
@Suite struct Registry {
    /// Lower-cased namespace → the organizations row that claims it.
    func owners() throws -> [String: [[String: String]]] {
        var owners: [String: [[String: String]]] = [:]
        for row in registryRecords(try seedCSV("organizations.csv")) {
            for namespace in (row["hf_namespaces"] ?? "").split(separator: ";") {
                owners[namespace.lowercased(), default: []].append(row)
            }
        }
        return owners
    }

    @Test func atLeast300NamespacesEachInExactlyOneOrganization() throws {
        let owners = try owners()
        #expect(owners.count >= 300, "\(owners.count) namespaces")
        let shared = owners.filter { $0.value.count > 1 }.map { "\($0.key): \($0.value.map { $0["id"] ?? "" })" }
        #expect(shared.isEmpty, "namespaces in more than one organization: \(shared.sorted())")
        // The publishers beyond LLM labs the registry promises, with their organization.
        let expected = [
            "sentence-transformers": "sentence-transformers", "google-bert": "google", "facebookai": "meta", "baai": "baai",
            "openai": "openai", "openai-community": "openai", "stabilityai": "stability", "black-forest-labs": "black-forest-labs",
            "distilbert": "huggingface", "google-t5": "google", "helsinki-nlp": "helsinki-nlp", "hfl": "hfl",
        ]
        for (namespace, organization) in expected {
            #expect(owners[namespace]?.first?["id"] == organization, "\(namespace) → \(owners[namespace]?.first?["id"] ?? "none")")
        }
    }

    @Test func everyURLIsTheLabsOwnSiteOrItsNamespacesHubPage() throws {
        for row in registryRecords(try seedCSV("organizations.csv")) {
            let id = row["id"] ?? "", url = row["url"] ?? ""
            let namespaces = (row["hf_namespaces"] ?? "").split(separator: ";").map { "https://huggingface.co/\($0)" }
            if registryCuratedLabs.contains(id) {
                #expect(seedIsHTTPS(url), "\(id): \(url)")
            } else {
                #expect(namespaces.contains(url), "\(id): url \"\(url)\" is not the Hub page of one of its namespaces \(namespaces)")
            }
        }
        // The curated labs are all still there, under their ids.
        let ids = Set(registryRecords(try seedCSV("organizations.csv")).compactMap { $0["id"] })
        #expect(registryCuratedLabs.isSubset(of: ids), "\(registryCuratedLabs.subtracting(ids).sorted())")
    }

    @Test func communityGroupsAndIndividualsHaveACountryOnlyWhereKnown() throws {
        // Individuals are their namespace, kind community, country ZZ.
        let rows = registryRecords(try seedCSV("organizations.csv"))
        for namespace in ["mrm8488", "sshleifer", "TheBloke", "bartowski", "lllyasviel"] {
            let row = try #require(rows.first { $0["hf_namespaces"] == namespace }, "\(namespace) not in the registry")
            #expect(row["kind"] == "community" && row["country"] == "ZZ" && row["name"] == namespace, "\(row)")
        }
        for namespace in ["bigscience", "bigcode", "KoboldAI"] {
            let row = try #require(rows.first { ($0["hf_namespaces"] ?? "").split(separator: ";").contains(Substring(namespace)) })
            #expect(row["kind"] == "community" && row["country"] == "ZZ", "\(row)")
        }
    }

    @Test func everyNamespaceSharedWithTheATOMRegionsIsInItsRegionOrADocumentedException() throws {
        let owners = try owners()
        let exceptions = Dictionary(uniqueKeysWithValues: try registryReadmeTable(startingWith: "| namespace | ATOM region |")
            .map { ($0[0].lowercased(), (region: $0[1], country: $0[2], why: $0[3])) })
        var shared = 0, disagreements: [String] = []
        for row in registryRecords(try registryFixtureCSV("interconnects-tracked-models/organization_regions.csv")) {
            let namespace = row["hf_org"] ?? "", region = row["region"] ?? ""
            guard let owner = owners[namespace.lowercased()]?.first else { continue }
            shared += 1
            let country = owner["country"] ?? ""
            let agrees: Bool
            switch region {
            case "us": agrees = country == "US"
            case "china": agrees = country == "CN"
            case "eu": agrees = registryEuropeanCountries.contains(country)
            case "other": agrees = !["US", "CN", "ZZ"].contains(country) && !registryEuropeanCountries.contains(country)
            case "unknown": agrees = true
            default: Issue.record("\(namespace): unknown region \"\(region)\""); continue
            }
            if !agrees {
                disagreements.append(namespace.lowercased())
                let exception = exceptions[namespace.lowercased()]
                #expect(exception?.region == region && exception?.country == country && !(exception?.why.isEmpty ?? true),
                        "\(namespace): ATOM region \(region), registry \(owner["id"] ?? "") country \(country), and no reason in Seeds/README.md")
            }
        }
        // All 118 ATOM namespaces are in the registry; each exception is a real disagreement.
        #expect(shared == 118)
        #expect(Set(exceptions.keys) == Set(disagreements), "README exceptions \(exceptions.keys.sorted()) vs disagreements \(disagreements)")
    }
}
}

// MARK: Repos from before namespaces

extension SeedsNamespaceRegistryTests {
@Suite struct LegacyRepos {
    static let listing = """
        {"id": "gpt2", "downloads": 9914995, "pipeline_tag": "text-generation", "createdAt": "2022-03-02T23:29:04.000Z"}
        {"id": "bert-base-german-cased", "downloads": 80288, "createdAt": "2022-03-02T23:29:04.000Z"}
        {"id": "roberta-base", "downloads": 6041785, "createdAt": "2022-03-02T23:29:04.000Z"}

        """

    @Test func aLegacyRepoGetsTheOrganizationThatMadeItWhenTheSeedsAreLoaded() throws {
        let seeds = try SeedDatabase()
        let file = try seeds.box.write("legacy.jsonl", Self.listing)
        let run = try seeds.box.run(["ingest", file, "--format", "hf-models", "--observed-on", "2022-07-02", "--db", "seeds.sqlite"])
        #expect(run.status == 0, "\(run.stderr)")
        let db = try Database(path: seeds.box.path("seeds.sqlite"), mode: .readOnly)
        let rows = try db.rows("SELECT m.id, m.organization, m.name, o.country FROM models m JOIN organizations o ON o.id = m.organization WHERE m.id NOT LIKE '%/%' ORDER BY m.id")
        #expect(rows.map { $0.map(seedCell).joined(separator: "|") } == [
            "bert-base-german-cased|deepset|bert-base-german-cased|DE",
            "gpt2|openai|gpt2|US",
            "roberta-base|meta|roberta-base|US",
        ])
        // An un-namespaced repo the table does not know is still refused, as before.
        let unknown = try seeds.box.write("unknown.jsonl", #"{"id": "not-a-known-legacy-repo", "downloads": 5, "createdAt": "2022-03-02T23:29:04.000Z"}"# + "\n")
        let refused = try seeds.box.run(["ingest", unknown, "--format", "hf-models", "--observed-on", "2022-07-02", "--db", "seeds.sqlite"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("unknown.jsonl:1: field id: must be a Hugging Face repo id, author/name (got \"not-a-known-legacy-repo\")"), "\(refused.stderr)")
        // No organization was created for them.
        #expect(try db.rows("SELECT count(*) FROM organizations WHERE id IN ('gpt2', 'roberta-base', 'bert-base-german-cased')").first?.first?.integerValue == 0)
    }

    @Test func withoutItsOrganizationALegacyRepoIsRefusedAsBefore() throws {
        let box = try Sandbox()
        let file = try box.write("legacy.jsonl", Self.listing)
        let run = try box.run(["ingest", file, "--format", "hf-models", "--observed-on", "2022-07-02", "--db", "empty.sqlite"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("legacy.jsonl:1: field id: must be a Hugging Face repo id, author/name (got \"gpt2\")"), "\(run.stderr)")
    }
}
}

// MARK: Acceptance: the 2022 Hub listing

extension SeedsNamespaceRegistryTests {
@Suite struct HubListing2022 {
    @Test func loadingThe2022ListingAfterTheSeedsLeavesAtMostTenPercentOfItsDownloadsInZZ() throws {
        let records = registryRecords(try registryFixtureCSV("huggingface-hub-2022/models_with_downloads.csv"))
        #expect(records.count == 55_524)
        // The listing in the Hub API's JSON Lines shape. The 2022 API gave no creation date, and
        // a model needs one, so every repo is dated the listing day: a bound, not its date. The
        // share below reads only downloads and countries.
        var lines = "", total = 0
        for record in records {
            let downloads = Int(record["downloads"] ?? "") ?? 0
            total += downloads
            let object: [String: Any] = ["id": record["model"] ?? "", "downloads": downloads, "createdAt": "2022-07-02T00:00:00.000Z"]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        #expect(total == 199_235_153)
        let seeds = try SeedDatabase()
        let file = try seeds.box.write("hub-2022.jsonl", lines)
        let run = try seeds.box.run(["ingest", file, "--format", "hf-models", "--observed-on", "2022-07-02", "--db", "seeds.sqlite"])
        #expect(run.status == 0, "\(run.stderr)")

        let query = try seeds.box.run(["query", "--db", "seeds.sqlite", "--format", "csv", "--sql", """
            SELECT count(*) AS models, sum(o.value) AS downloads, coalesce(sum(CASE WHEN g.country = 'ZZ' THEN o.value END), 0) AS zz,
                   coalesce(sum(CASE WHEN instr(m.id, '/') = 0 THEN o.value END), 0) AS legacy,
                   coalesce(sum(CASE WHEN instr(m.id, '/') = 0 AND g.country = 'ZZ' THEN o.value END), 0) AS legacy_zz
            FROM observations o JOIN metrics k ON k.key = o.metric JOIN models m ON m.key = o.model
            JOIN organizations g ON g.id = m.organization
            WHERE k.id = 'hf_downloads_30d' AND date(o.observed_day * 86400, 'unixepoch') = '2022-07-02'
            """])
        #expect(query.status == 0, "\(query.stderr)")
        let cells = try #require(parseCSV(query.stdout).dropFirst().first, "\(query.stdout)").compactMap { Int($0) }
        try #require(cells.count == 5, "\(query.stdout)")
        // Every repo of the listing is in, the 68 legacy ones included, and none of those is in ZZ.
        #expect(cells[0] == 55_524 && cells[1] == total, "\(query.stdout)")
        #expect(cells[3] == 97_013_870 && cells[4] == 0, "legacy downloads: \(query.stdout)")
        let share = Double(cells[2]) / Double(cells[1])
        #expect(share <= 0.10, "\(cells[2]) of \(cells[1]) downloads (\(share * 100)%) are in ZZ")
    }
}
}

// MARK: Checked against Epoch AI

extension SeedsNamespaceRegistryTests {
@Suite struct EpochAI {
    /// Epoch's country names in the rows the seed models match, as ISO codes.
    static let countryCodes = [
        "United States of America": "US", "China": "CN", "France": "FR", "United Arab Emirates": "AE", "Israel": "IL",
        "Korea (Republic of)": "KR", "Canada": "CA", "Germany": "DE", "United Kingdom of Great Britain and Northern Ireland": "GB",
    ]

    /// Lower-cased, everything but letters, digits and dots dropped.
    static func normalized(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." }
            .map(Character.init))
    }

    /// A repo name as Epoch would name the model: without a leading `Meta-` and the trailing
    /// variant words (Seeds/README.md, "Checked against Epoch AI").
    static func epochStyle(_ repoName: String) -> String {
        var name = repoName.lowercased()
        if name.hasPrefix("meta-") { name.removeFirst(5) }
        var changed = true
        while changed {
            changed = false
            for suffix in ["-instruct", "-base", "-chat", "-hf", "-it", "-pt", "-v0.1"] where name.hasSuffix(suffix) {
                name.removeLast(suffix.count)
                changed = true
            }
        }
        return normalized(name)
    }

    static func days(_ a: String, _ b: String) -> Int {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let x = formatter.date(from: a), let y = formatter.date(from: b) else { return Int.max }
        return abs(Int((x.timeIntervalSince(y) / 86_400).rounded()))
    }

    @Test func seedModelsInEpochsFileHaveItsCountryParametersAndDateOrADocumentedReason() throws {
        let seeds = try SeedDatabase()
        let models = try seeds.rows("""
            SELECT m.id, m.released_on, coalesce(m.params_total_b, ''), o.country FROM models m
            JOIN organizations o ON o.id = m.organization WHERE NOT m.stub ORDER BY m.id
            """).map { $0.map(seedCell) }
        let byID = Dictionary(uniqueKeysWithValues: models.map { ($0[0].lowercased(), $0) })
        let byEpochName = Dictionary(grouping: models) { Self.epochStyle(String($0[0].split(separator: "/").last ?? "")) }
        let exceptions = try registryReadmeTable(startingWith: "| model | field | Epoch | seeds | why |")
        var documented: [String: (epoch: String, seeds: String)] = [:]
        for row in exceptions { documented["\(row[0]) \(row[1])"] = (row[2], row[3]) }

        var matched: Set<String> = [], differences: Set<String> = []
        var agree = ["country": 0, "parameters": 0, "date": 0]
        for row in registryRecords(try registryFixtureCSV("epoch-ai/notable-ai-models.csv")) {
            let link = row["Link"] ?? ""
            let linked = link.matches(of: #/huggingface\.co/([A-Za-z0-9._-]+/[A-Za-z0-9._-]+)/#).compactMap { byID[String($0.1).lowercased()] }
            let hits = linked.isEmpty ? byEpochName[Self.normalized(row["Model"] ?? "")] ?? [] : linked
            for model in hits {
                let id = model[0]
                matched.insert(id)
                let countries = (row["Country (of organization)"] ?? "").split(separator: ",").map {
                    Self.countryCodes[$0.trimmingCharacters(in: .whitespaces)] ?? "?\($0)"
                }
                let epochDate = row["Publication date"] ?? ""
                let epochParameters = Double(row["Parameters"] ?? "").map { $0 / 1e9 }
                var fields: [(String, Bool, String, String)] = [
                    ("country", countries.contains(model[3]), countries.joined(separator: ","), model[3]),
                    ("date", Self.days(model[1], epochDate) <= 3, epochDate, model[1]),
                ]
                if let epochParameters, let seedParameters = Double(model[2]) {
                    fields.append(("parameters", abs(seedParameters - epochParameters) <= 0.05 * epochParameters,
                                   String(epochParameters), model[2]))
                }
                for (field, holds, epochValue, seedValue) in fields {
                    if holds {
                        agree[field, default: 0] += 1
                    } else {
                        differences.insert("\(id) \(field)")
                        let reason = documented["\(id) \(field)"]
                        #expect(reason?.epoch == epochValue && reason?.seeds == seedValue,
                                "\(id) vs Epoch's \"\(row["Model"] ?? "")\": \(field) \(seedValue), Epoch \(epochValue), and no reason in Seeds/README.md")
                    }
                }
            }
        }
        // The counts Seeds/README.md states: 44 seed models matched; all agree on country, 43 on
        // parameters, 41 on date; and every documented difference is a real one.
        #expect(matched.count == 44, "\(matched.sorted())")
        #expect(agree == ["country": 44, "parameters": 44, "date": 41], "\(agree)")
        #expect(Set(documented.keys) == differences, "README \(documented.keys.sorted()) vs found \(differences.sorted())")
    }
}
}
