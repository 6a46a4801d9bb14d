import Foundation
import Testing

// Who is behind each repository: Epoch AI's countries decided per organization, ids
// transliterated to ASCII, aliases and merges, and `owl organizations list|set|merge`.
// Helpers are prefixed `org` to stay clear of other test files' helpers.

/// A committed third-party file under Tests/Fixtures, or a failure naming the missing path.
func orgFixture(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let path = packageRoot.appending(path: "Tests/Fixtures/\(relativePath)").path
    guard FileManager.default.fileExists(atPath: path) else {
        Issue.record("missing fixture \(path) (see Tests/Fixtures/README.md)", sourceLocation: sourceLocation)
        throw CancellationError()
    }
    return path
}

extension Sandbox {
    /// Runs owl and expects exit status `status`.
    @discardableResult
    func orgRun(_ args: String..., status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let run = try self.run(args)
        #expect(run.status == status, "owl \(args.joined(separator: " ")) exited \(run.status)\n\(run.stdout)\n\(run.stderr)",
                sourceLocation: sourceLocation)
        return run
    }
}

@Suite struct OrganizationTests {}

// MARK: Epoch AI countries

extension OrganizationTests {
@Suite struct EpochCountries {
    @Test func theIssuesExamplesGetTheirOwnCountryFromTheRealFile() throws {
        let box = try Sandbox()
        try box.impIngestOK(try orgFixture("epoch-ai/notable-ai-models.csv"), "--skip-invalid")
        // DeepMind: "United Kingdom…" in each of its rows alone. INRIA: "France" alone (3 rows).
        // CIFAR AI Research is never alone; in "Tsinghua University,Mila …,HEC,CIFAR AI Research,
        // Princeton University,University of Montreal …" the six countries line up with the six
        // organizations and its position holds Canada. University of Toronto: "Canada" alone.
        // Google DeepMind (US and UK in all 34 rows alone) and Facebook AI Research (US and
        // France in all 11) come from the override table.
        #expect(try box.impSQL("""
            SELECT name, country FROM organizations
            WHERE name IN ('DeepMind', 'INRIA', 'CIFAR AI Research', 'University of Toronto', 'Google DeepMind', 'Facebook AI Research')
            ORDER BY name
            """) == ["CIFAR AI Research|CA", "DeepMind|GB", "Facebook AI Research|US", "Google DeepMind|GB", "INRIA|FR",
                     "University of Toronto|CA"])
    }

    @Test func aNameWithACommaAndASpaceIsOneOrganization() throws {
        // "NVIDIA,NERSC, Lawrence Berkeley National Laboratory,University of Michigan,…": six
        // organizations and six countries once the name is kept whole.
        let box = try Sandbox()
        try box.impIngestOK(try orgFixture("epoch-ai/notable-ai-models.csv"), "--skip-invalid")
        #expect(try box.impSQL("SELECT id, country FROM organizations WHERE name LIKE 'NERSC%'")
            == ["nersc-lawrence-berkeley-national-laboratory|US"])
        #expect(try box.impValue("SELECT count(*) FROM organizations WHERE name = 'Lawrence Berkeley National Laboratory'") == "0")
    }

    @Test func countriesComeFromAnOrganizationsOwnRowsNeverFromANeighbour() throws {
        let box = try Sandbox()
        // A stored organization whose name holds a comma (no space): matched before splitting.
        try box.write("organizations.csv", "id,name,country,kind\nlab-e,\"Lab E,Paris\",FR,academic\n")
        try box.impIngestOK("organizations.csv")
        try box.write("notable.csv", ImpFixture.epochHeader + """
            Alone,Lab A,2024-01-01,,Unreleased,France,Academia,,,Language,
            Mismatch,"Lab B,Lab A",2024-01-02,,Unreleased,"United States of America,United Kingdom of Great Britain and Northern Ireland,France","Industry,Academia",,,Language,
            Pair,"Lab C,Lab D",2024-01-03,,Unreleased,"Canada,Germany","Industry,Government",,,Language,
            Twice,Lab D,2024-01-04,,Unreleased,"Germany,Germany",Government,,,Language,
            Known,"Lab E,Paris,Lab C",2024-01-05,,Unreleased,"France,Canada","Academia,Industry",,,Language,

            """)
        try box.impIngestOK("notable.csv", "--format", "epoch")
        // Lab A: France, alone in row 2. Lab B appears only in a row listing three countries for
        // two organizations: nothing lines up, so unknown (not the first country, US). Lab C and
        // Lab D line up by position in "Pair" (and Lab C again in "Known", once "Lab E,Paris" is
        // one name); Lab D's repeated "Germany,Germany" alone is one country. Kinds likewise.
        #expect(try box.impSQL("SELECT id, name, country, kind FROM organizations ORDER BY id") == [
            "lab-a|Lab A|FR|academic", "lab-b|Lab B|ZZ|company", "lab-c|Lab C|CA|company", "lab-d|Lab D|DE|government",
            "lab-e|Lab E,Paris|FR|academic",
        ])
        #expect(try box.impValue("SELECT organization FROM models WHERE name = 'Known'") == "lab-e")
    }
}
}

extension OrganizationTests {
@Suite struct Ids {
    @Test func idsMadeFromAccentedNamesAreASCIIAndNamesKeepTheirLetters() throws {
        let box = try Sandbox()
        try box.write("notable.csv", ImpFixture.epochHeader + """
            Model A,Université Grenoble Alpes,2024-01-01,,Unreleased,France,Academia,,,Language,
            Model B,Universidad Nacional de San Martín,2024-01-02,,Unreleased,Argentina,Academia,,,Language,
            Model C,Politechnika Łódzka,2024-01-03,,Unreleased,Poland,Academia,,,Language,
            Model D,北京大学,2024-01-04,,Unreleased,China,Academia,,,Language,

            """)
        let run = try box.impIngestOK("notable.csv", "--format", "epoch")
        #expect(!run.stdout.contains("given ZZ"), "\(run.stdout)")
        #expect(try box.impSQL("SELECT id, name FROM organizations ORDER BY id") == [
            "bei-jing-da-xue|北京大学", "politechnika-lodzka|Politechnika Łódzka",
            "universidad-nacional-de-san-martin|Universidad Nacional de San Martín",
            "universite-grenoble-alpes|Université Grenoble Alpes",
        ])
        // Epoch's model ids are organization/model-name.
        #expect(try box.impValue("SELECT id FROM models WHERE name = 'Model A'") == "universite-grenoble-alpes/model-a")
    }

    @Test func theSummarySaysWhichOrganizationsGotNoCountry() throws {
        let box = try Sandbox()
        try box.write("notable.csv", ImpFixture.epochHeader + """
            Model A,"Lab A,Lab B",2024-01-01,,Unreleased,"France,Germany,Italy","Academia,Academia",,,Language,

            """)
        let run = try box.impIngestOK("notable.csv", "--format", "epoch")
        #expect(run.stdout.contains("note: 2 organization(s) have no row that decides their country and were given ZZ: Lab A, Lab B"), "\(run.stdout)")
    }
}
}

// MARK: Aliases and merges

enum OrgFixture {
    static let organizations = """
        id,name,country,kind,hf_namespaces,url
        meta,Meta,US,company,meta-llama,https://ai.meta.com
        facebook-ai-research,Facebook AI Research,US,company,facebook;FacebookAI,https://ai.meta.com/research/
        ai2,Allen Institute for AI,US,nonprofit,allenai,https://allenai.org

        """
    static let aliases = """
        alias,organization
        fair,facebook-ai-research
        Ai2 (Allen Institute),ai2

        """
    static let releases = """
        id,organization,name,released_on,url
        fair-dino,facebook-ai-research,DINO,2021-04-29,
        llama-3,meta,Llama 3,2024-04-18,

        """
    static let models = """
        id,organization,name,release,released_on
        facebook/dino-vitb16,facebook-ai-research,DINO ViT-B/16,fair-dino,
        facebook/dino-vits16,facebook-ai-research,DINO ViT-S/16,fair-dino,
        meta-llama/Meta-Llama-3-8B,meta,Llama 3 8B,llama-3,

        """

    static func load(_ box: Sandbox) throws {
        try box.write("seed/organizations.csv", organizations)
        try box.write("seed/organization_aliases.csv", aliases)
        try box.write("seed/releases.csv", releases)
        try box.write("seed/models.csv", models)
        try box.impIngestOK("seed")
    }
}

extension OrganizationTests {
@Suite struct Aliases {
    @Test func aliasesExportWithAllAndReadBackInEachFormat() throws {
        let box = try Sandbox()
        try OrgFixture.load(box)
        for format in ["csv", "json", "jsonl"] {
            try box.orgRun("export", "all", "--output", "out-\(format)", "--format", format)
            try box.orgRun("ingest", "-q", "--db", "\(format).sqlite", "out-\(format)")
            #expect(try box.impSQL("SELECT alias, organization FROM organization_aliases ORDER BY alias", db: "\(format).sqlite")
                == ["Ai2 (Allen Institute)|ai2", "fair|facebook-ai-research"], "\(format)")
        }
        #expect(try box.read("out-csv/organization_aliases.csv") == "alias,organization\r\nAi2 (Allen Institute),ai2\r\nfair,facebook-ai-research\r\n")
        #expect(try box.read("out-jsonl/organization_aliases.jsonl")
            == "{\"alias\": \"Ai2 (Allen Institute)\", \"organization\": \"ai2\"}\n{\"alias\": \"fair\", \"organization\": \"facebook-ai-research\"}\n")
    }

    @Test func anAliasEqualToAnOrganizationIdIsRefused() throws {
        let box = try Sandbox()
        try OrgFixture.load(box)
        try box.write("more/organization_aliases.csv", "alias,organization\nmeta-ai,meta\nAI2,meta\n")
        let run = try box.impIngestFails("more/organization_aliases.csv")
        #expect(run.stderr.contains("more/organization_aliases.csv:3: field alias: is the id of an organization; an alias must not equal an organization id (got \"AI2\")"),
                "\(run.stderr)")
        #expect(try box.impCount("organization_aliases") == 2)
    }

    @Test func referencesToOrganizationsResolveThroughAliases() throws {
        let box = try Sandbox()
        try OrgFixture.load(box)
        // Interchange: a model naming its organization by an alias.
        try box.write("models.csv", "id,organization,name,released_on\nfacebook/sam,fair,SAM,2023-04-05\n")
        try box.impIngestOK("models.csv")
        // A column mapping: the constant organization is an alias, matched without case.
        try box.write("other.csv", "repo,title,date\nallenai/OLMo-7B,OLMo 7B,2024-02-01\n")
        try box.impIngestOK("other.csv", "--into", "models", "--column", "id=repo", "--column", "name=title",
                            "--column", "released_on=date", "--set", "organization=ai2 (allen institute)")
        #expect(try box.impSQL("SELECT id, organization FROM models WHERE id IN ('facebook/sam', 'allenai/OLMo-7B') ORDER BY id")
            == ["allenai/OLMo-7B|ai2", "facebook/sam|facebook-ai-research"])
    }
}

@Suite struct Merges {
    @Test func mergeMovesEverythingAndRecordsAliases() throws {
        let box = try Sandbox()
        try OrgFixture.load(box)
        let run = try box.orgRun("organizations", "merge", "facebook-ai-research", "meta")
        #expect(run.stdout == "merged facebook-ai-research into meta: 1 release(s), 2 model(s), 2 namespace(s) (facebook, FacebookAI), "
            + "1 earlier alias(es) moved, 4 new alias(es) (facebook-ai-research, Facebook AI Research, facebook, FacebookAI)\n")
        #expect(try box.impSQL("SELECT id, hf_namespaces FROM organizations ORDER BY id") == ["ai2|allenai", "meta|meta-llama;facebook;FacebookAI"])
        #expect(try box.impSQL("SELECT DISTINCT organization FROM models") == ["meta"])
        #expect(try box.impSQL("SELECT DISTINCT organization FROM releases") == ["meta"])
        #expect(try box.impSQL("SELECT alias, organization FROM organization_aliases ORDER BY alias COLLATE NOCASE") == [
            "Ai2 (Allen Institute)|ai2", "facebook|meta", "Facebook AI Research|meta", "facebook-ai-research|meta", "FacebookAI|meta",
            "fair|meta",
        ])
        #expect(try box.impSQL("SELECT path, entity, format, rows_read, updated FROM batches ORDER BY id DESC LIMIT 1")
            == ["owl organizations merge facebook-ai-research meta|organizations|command|1|1"])
        #expect(try box.impSQL("PRAGMA foreign_key_check").isEmpty)
    }

    @Test func mergingAgainSaysSoAndChangesNothing() throws {
        let box = try Sandbox()
        try OrgFixture.load(box)
        try box.orgRun("organizations", "merge", "facebook-ai-research", "meta")
        let before = try box.impSQL("SELECT * FROM organizations UNION ALL SELECT alias || organization FROM organization_aliases")
        let batches = try box.impCount("batches")
        let again = try box.orgRun("organizations", "merge", "facebook-ai-research", "meta")
        #expect(again.stdout == "facebook-ai-research is already merged into meta: nothing to do\n")
        #expect(try box.impSQL("SELECT * FROM organizations UNION ALL SELECT alias || organization FROM organization_aliases") == before)
        #expect(try box.impCount("batches") == batches)
    }

    @Test func aMergeSurvivesTheNextImportOfEveryKind() throws {
        let box = try Sandbox()
        try OrgFixture.load(box)
        try box.orgRun("organizations", "merge", "facebook-ai-research", "meta")
        // The original files again: the merged organization's row is meta's now, insert-only;
        // meta's own row updates it back to the namespaces it lists (meta-llama), and the
        // moved namespaces stay aliases of meta.
        let reload = try box.impIngestOK("seed")
        #expect(impSummaryCounts(impSummaryLine(reload.stdout, "organizations")) ==
                ["read": 3, "inserted": 0, "updated": 1, "unchanged": 2, "skipped": 0], "\(reload.stdout)")
        #expect(try box.impSQL("SELECT id FROM organizations ORDER BY id") == ["ai2", "meta"])
        #expect(try box.impSQL("SELECT DISTINCT organization FROM models") == ["meta"])
        // A Hub listing: the namespace moved to meta with the merge.
        try box.write("hub.jsonl", #"{"id": "facebook/bart-large", "createdAt": "2022-03-02T00:00:00.000Z", "downloads": 5, "likes": 1}"# + "\n")
        try box.impIngestOK("hub.jsonl", "--observed-on", "2025-06-01")
        // Epoch AI: the merged organization's name is an alias.
        try box.write("notable.csv", ImpFixture.epochHeader + """
            FAIR Model,Facebook AI Research,2021-01-01,,Unreleased,"United States of America,France",Industry,,,Language,

            """)
        try box.impIngestOK("notable.csv", "--format", "epoch")
        #expect(try box.impSQL("SELECT name, organization FROM models WHERE name IN ('bart-large', 'FAIR Model') ORDER BY name")
            == ["FAIR Model|meta", "bart-large|meta"])
        #expect(try box.impSQL("SELECT id FROM organizations ORDER BY id") == ["ai2", "meta"])
    }

    @Test func mergeRefusesWhatItCannotDo() throws {
        let box = try Sandbox()
        try OrgFixture.load(box)
        let unknown = try box.orgRun("organizations", "merge", "facebok-ai-research", "meta", status: 1)
        #expect(unknown.stderr == "owl: no organization with id facebok-ai-research; did you mean facebook-ai-research?\n")
        let same = try box.orgRun("organizations", "merge", "meta", "meta", status: 1)
        #expect(same.stderr == "owl: meta and meta are the same organization\n")
        try box.orgRun("organizations", "merge", "facebook-ai-research", "meta")
        let elsewhere = try box.orgRun("organizations", "merge", "facebook-ai-research", "ai2", status: 1)
        #expect(elsewhere.stderr == "owl: facebook-ai-research was already merged into meta, not ai2\n")
        let intoAlias = try box.orgRun("organizations", "merge", "ai2", "fair", status: 1)
        #expect(intoAlias.stderr == "owl: fair was merged into meta; merge into meta\n")
    }
}

// MARK: owl organizations list and set

@Suite struct ListAndSet {
    /// Organizations, then a Hub listing whose unknown namespaces become ZZ organizations.
    func loadListing(_ box: Sandbox) throws {
        try box.write("organizations.csv", ImpFixture.organizations)
        try box.impIngestOK("organizations.csv")
        try box.write("hub.jsonl", """
            {"id": "tiny-lab/Tiny-1B", "createdAt": "2025-03-01T00:00:00.000Z", "downloads": 10, "likes": 1}
            {"id": "big-lab/Big-1B", "createdAt": "2025-03-01T00:00:00.000Z", "downloads": 700, "likes": 1}
            {"id": "big-lab/Big-2B", "createdAt": "2025-03-01T00:00:00.000Z", "downloads": 50, "likes": 1}
            {"id": "mid-lab/Mid-1B", "createdAt": "2025-03-01T00:00:00.000Z", "downloads": 500, "likes": 1}
            {"id": "deepseek-ai/DeepSeek-R1", "createdAt": "2025-01-20T00:00:00.000Z", "downloads": 9000, "likes": 1}

            """)
        try box.impIngestOK("hub.jsonl", "--observed-on", "2025-06-01")
        // A later listing: each model's latest value counts, not the sum over days.
        try box.write("hub-later.jsonl", #"{"id": "tiny-lab/Tiny-1B", "downloads": 1000, "likes": 2}"# + "\n")
        try box.impIngestOK("hub-later.jsonl", "--observed-on", "2025-07-01")
    }

    @Test func unknownListsTheZZOrganizationsMostDownloadedFirst() throws {
        let box = try Sandbox()
        try loadListing(box)
        // big-lab: 700 + 50; tiny-lab: its latest, 1000; mid-lab: 500.
        let run = try box.orgRun("organizations", "list", "--unknown", "--format", "csv")
        #expect(parseCSV(run.stdout) == [
            ["id", "name", "country", "kind", "hf_namespaces", "models", "latest_downloads_30d"],
            ["tiny-lab", "tiny-lab", "ZZ", "community", "tiny-lab", "1", "1000"],
            ["big-lab", "big-lab", "ZZ", "community", "big-lab", "2", "750"],
            ["mid-lab", "mid-lab", "ZZ", "community", "mid-lab", "1", "500"],
        ])
        let byModels = try box.orgRun("organizations", "list", "--unknown", "--sort", "models", "--format", "csv")
        #expect(parseCSV(byModels.stdout).dropFirst().map { $0[0] } == ["big-lab", "tiny-lab", "mid-lab"])
    }

    @Test func listShowsEveryOrganizationByNameAndTakesTheOutputFormats() throws {
        let box = try Sandbox()
        try loadListing(box)
        let run = try box.orgRun("organizations", "list", "--format", "csv")
        let rows = parseCSV(run.stdout)
        #expect(rows.dropFirst().map { $0[0] } == ["alibaba", "big-lab", "deepseek", "meta", "mid-lab", "tiny-lab"])
        #expect(rows.contains(["deepseek", "DeepSeek", "CN", "company", "deepseek-ai", "1", "9000"]), "\(run.stdout)")
        let markdown = try box.orgRun("organizations", "list", "--unknown", "--format", "markdown")
        let lines = markdown.stdout.split(separator: "\n")
        #expect(lines.count == 5, "\(markdown.stdout)")
        #expect(lines.first?.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            == ["id", "name", "country", "kind", "hf_namespaces", "models", "latest_downloads_30d"], "\(markdown.stdout)")
        let bad = try box.orgRun("organizations", "list", "--sort", "likes", status: 2)
        #expect(bad.stderr.contains("likes"), "\(bad.stderr)")
    }

    @Test func setFillsInAnOrganizationAsABatch() throws {
        let box = try Sandbox()
        try loadListing(box)
        let run = try box.orgRun("organizations", "set", "tiny-lab", "--country", "FR", "--kind", "company", "--name", "Tiny Lab")
        #expect(run.stdout == "tiny-lab: updated\n")
        #expect(try box.impSQL("SELECT id, name, country, kind, hf_namespaces FROM organizations WHERE id = 'tiny-lab'")
            == ["tiny-lab|Tiny Lab|FR|company|tiny-lab"])
        #expect(try box.impSQL("SELECT path, entity, format, rows_read, updated, unchanged FROM batches ORDER BY id DESC LIMIT 1")
            == ["owl organizations set tiny-lab --country FR --kind company --name \"Tiny Lab\"|organizations|command|1|1|0"])
        let status = try box.orgRun("status")
        #expect(status.stdout.contains("organizations (command) owl organizations set tiny-lab --country FR"), "\(status.stdout)")
        let again = try box.orgRun("organizations", "set", "tiny-lab", "--country", "FR")
        #expect(again.stdout == "tiny-lab: unchanged (it already had these values)\n")
        #expect(try box.orgRun("organizations", "list", "--unknown", "--format", "csv").stdout.contains("tiny-lab") == false)
    }

    @Test func setRefusesBadValuesAsIngestDoes() throws {
        let box = try Sandbox()
        try loadListing(box)
        let batches = try box.impCount("batches")
        let lower = try box.orgRun("organizations", "set", "tiny-lab", "--country", "fr", status: 1)
        #expect(lower.stderr == "owl: field country: country codes are upper case: use FR (got \"fr\")\n")
        let name = try box.orgRun("organizations", "set", "tiny-lab", "--country", "France", status: 1)
        #expect(name.stderr == "owl: field country: must be an ISO 3166-1 alpha-2 code: use FR (got \"France\")\n")
        let kind = try box.orgRun("organizations", "set", "tiny-lab", "--kind", "startup", status: 1)
        #expect(kind.stderr.hasPrefix("owl: field kind: must be one of company, academic, nonprofit, community, government"), "\(kind.stderr)")
        let missing = try box.orgRun("organizations", "set", "tiny-labs", "--kind", "company", status: 1)
        #expect(missing.stderr == "owl: no organization with id tiny-labs; did you mean tiny-lab?\n")
        let nothing = try box.orgRun("organizations", "set", "tiny-lab", status: 2)
        #expect(nothing.stderr.contains("give at least one of --country, --kind, --name, --url"), "\(nothing.stderr)")
        #expect(try box.impSQL("SELECT country, kind FROM organizations WHERE id = 'tiny-lab'") == ["ZZ|community"])
        #expect(try box.impCount("batches") == batches)
    }
}
}
