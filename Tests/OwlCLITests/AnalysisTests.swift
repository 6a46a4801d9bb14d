import Foundation
import Testing

// MARK: A hand-made data set for the prepared analyses.
//
// Organizations: alpha (CN, company), beta (US, company), gamma (US, academic), delta (FR, community).
//
// Releases (date order per organization):
//   alpha: a0 2024-12-31, a1 2025-01-10, a2 2025-01-20, a3 2025-02-19, a4 2025-04-10, a5 2025-04-30
//   beta:  b1 2025-02-01, b2 2025-03-01, b3 2025-03-15, b4 2025-06-13
//   gamma: g1 2025-03-01, g2 2025-07-01
//   delta: d1 2025-05-05
//
// Models (release → released_on, params total/active, architecture, openness):
//   alpha/A0-old  a0 2024-12-31   3       dense  open-weights
//   alpha/A1-7B   a1 2025-01-10   7       dense  open-weights
//   alpha/A1-70B  a1 2025-01-10   70      dense  open-weights
//   alpha/A2-MoE  a2 2025-01-20   100/10  moe    open-source
//   alpha/A3      a3 2025-02-19   14      dense  open-weights
//   alpha/A4      a4 2025-04-10   32      —      —            (unknown architecture and openness)
//   alpha/A5      a5 2025-04-30   8       dense  restricted-weights
//   beta/B1       b1 2025-02-01   20      dense  open-weights
//   beta/B2       b2 2025-03-01   200/20  moe    open-weights
//   beta/B3       b3 2025-03-15   9       dense  restricted-weights
//   beta/B4       b4 2025-06-13   40      dense  open-source
//   gamma/G1      g1 2025-03-01   1       dense  open-source
//   gamma/G2      g2 2025-07-01   2       dense  open-source
//   delta/D1      d1 2025-05-05   12/—    moe    open-weights  (MoE without active parameters)
//   delta/D-solo  no release, released_on 2025-05-20, 5 dense open-weights
//
// Metrics: dl30 (window), likes (cumulative, higher is better), mmlu (score, higher is better),
// ppl (score, higher_is_better false).
enum AnalysisData {
    static let organizations = """
        id,name,country,kind,hf_namespaces,url
        alpha,Alpha Labs,CN,company,,
        beta,Beta AI,US,company,,
        gamma,Gamma University,US,academic,,
        delta,Delta Collective,FR,community,,

        """
    static let releases = """
        id,organization,name,released_on,url
        a0,alpha,A0,2024-12-31,
        a1,alpha,A1,2025-01-10,
        a2,alpha,A2,2025-01-20,
        a3,alpha,A3,2025-02-19,
        a4,alpha,A4,2025-04-10,
        a5,alpha,A5,2025-04-30,
        b1,beta,B1,2025-02-01,
        b2,beta,B2,2025-03-01,
        b3,beta,B3,2025-03-15,
        b4,beta,B4,2025-06-13,
        g1,gamma,G1,2025-03-01,
        g2,gamma,G2,2025-07-01,
        d1,delta,D1,2025-05-05,

        """
    static let models = """
        id,organization,name,release,released_on,family,params_total_b,params_active_b,architecture,modality,license,openness,url
        alpha/A0-old,alpha,A0 old,a0,,,3,,dense,,,open-weights,
        alpha/A1-7B,alpha,A1 7B,a1,,,7,,dense,,,open-weights,
        alpha/A1-70B,alpha,A1 70B,a1,,,70,,dense,,,open-weights,
        alpha/A2-MoE,alpha,A2 MoE,a2,,,100,10,moe,,,open-source,
        alpha/A3,alpha,A3,a3,,,14,,dense,,,open-weights,
        alpha/A4,alpha,A4,a4,,,32,,,,,,
        alpha/A5,alpha,A5,a5,,,8,,dense,,,restricted-weights,
        beta/B1,beta,B1,b1,,,20,,dense,,,open-weights,
        beta/B2,beta,B2,b2,,,200,20,moe,,,open-weights,
        beta/B3,beta,B3,b3,,,9,,dense,,,restricted-weights,
        beta/B4,beta,B4,b4,,,40,,dense,,,open-source,
        gamma/G1,gamma,G1,g1,,,1,,dense,,,open-source,
        gamma/G2,gamma,G2,g2,,,2,,dense,,,open-source,
        delta/D1,delta,D1,d1,,,12,,moe,,,open-weights,
        delta/D-solo,delta,D solo,,2025-05-20,,5,,dense,,,open-weights,

        """
    static let metrics = """
        id,name,unit,kind,window_days,higher_is_better,description
        dl30,Downloads (30 days),downloads,window,30,,
        likes,Likes,likes,cumulative,,true,
        mmlu,MMLU,percent,score,,true,
        ppl,Perplexity,perplexity,score,,false,

        """
    static let observations = """
        model,metric,observed_on,value,source
        alpha/A1-7B,dl30,2025-05-31,1000,t
        alpha/A1-7B,dl30,2025-06-01,100,t
        alpha/A1-7B,dl30,2025-06-30,200,t
        alpha/A1-7B,dl30,2025-07-01,1000,t
        alpha/A2-MoE,dl30,2025-06-15,100,t
        alpha/A0-old,dl30,2025-06-15,200,t
        beta/B1,dl30,2025-06-15,300,t
        beta/B1,dl30,2025-07-01,1000,t
        beta/B2,dl30,2025-06-15,50,t
        gamma/G1,dl30,2025-06-15,50,t
        delta/D1,dl30,2025-06-15,200,t
        alpha/A1-7B,likes,2025-06-01,10,t
        alpha/A1-7B,likes,2025-06-10,50,t
        alpha/A1-7B,likes,2025-06-20,999,t
        alpha/A1-70B,likes,2025-06-05,50,t
        beta/B1,likes,2025-06-10,80,t
        beta/B2,likes,2025-06-01,20,t
        gamma/G1,likes,2025-06-09,50,t
        delta/D1,likes,2025-06-11,500,t
        alpha/A1-7B,mmlu,2025-06-01,60,t
        alpha/A1-7B,mmlu,2025-06-20,62,t
        alpha/A1-70B,mmlu,2025-06-01,80,t
        alpha/A2-MoE,mmlu,2025-06-01,75,t
        beta/B1,mmlu,2025-06-01,70,t
        beta/B2,mmlu,2025-06-01,80,t
        gamma/G1,mmlu,2025-06-01,40,t
        delta/D1,mmlu,2025-06-01,30,t
        delta/D1,mmlu,2025-07-15,90,t
        alpha/A1-7B,ppl,2025-06-01,12.5,t
        alpha/A1-70B,ppl,2025-06-01,5.25,t
        beta/B1,ppl,2025-06-01,8,t
        beta/B2,ppl,2025-06-01,6,t
        gamma/G1,ppl,2025-06-01,12.5,t

        """
    static let files: [(String, String)] = [
        ("organizations.csv", organizations), ("releases.csv", releases), ("models.csv", models),
        ("metrics.csv", metrics), ("observations.csv", observations),
    ]
}

// MARK: Helpers (prefixed so they cannot collide with other test files' helpers)

extension Sandbox {
    /// Loads the analysis data set into owl.sqlite.
    func loadAnalysisData() throws {
        for (name, text) in AnalysisData.files { try write("analysis-data/\(name)", text) }
        let run = try owl("ingest", "analysis-data")
        #expect(run.status == 0, "ingest failed: \(run.stderr)")
    }

    /// Loads a set of files (name → CSV text) from a folder of its own.
    func loadAnalysisFiles(_ files: [String: String], folder: String = "custom-data") throws {
        for (name, text) in files { try write("\(folder)/\(name)", text) }
        let run = try owl("ingest", folder)
        #expect(run.status == 0, "ingest failed: \(run.stderr)")
    }

    /// Runs `owl query ARGS --format csv` and parses the result.
    func analysisCSV(_ arguments: String...) throws -> (run: Run, table: [[String]]) {
        let run = try self.run(["query"] + arguments + ["--format", "csv"])
        return (run, run.status == 0 ? parseCSV(run.stdout) : [])
    }
}

/// Compares a parsed CSV table (header + rows) with expected rows, numbers compared as numbers.
func expectTable(_ table: [[String]], header: [String], rows expected: [[String]],
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(table.first == header, "header", sourceLocation: sourceLocation)
    let body = Array(table.dropFirst())
    #expect(body.count == expected.count, "row count: got \(body)", sourceLocation: sourceLocation)
    for (index, (got, want)) in zip(body, expected).enumerated() {
        let same = got.count == want.count && zip(got, want).allSatisfy { a, b in
            if a == b { return true }
            if let x = Double(a), let y = Double(b) { return abs(x - y) < 1e-9 }
            return false
        }
        #expect(same, "row \(index): got \(got), expected \(want)", sourceLocation: sourceLocation)
    }
}

// MARK: download-share (its amounts: MeasureTests)

@Suite struct DownloadShareAnalysisTests {
    @Test func parameterErrorsSayWhatIsAllowed() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        // A score is not an amount: refused, naming the metrics that fit.
        let wrongKind = try box.owl("query", "download-share", "--metric", "mmlu", "--to", "2025-06-30")
        #expect(wrongKind.status == 1)
        #expect(wrongKind.stderr.contains("mmlu is a score metric"), "\(wrongKind.stderr)")
        #expect(wrongKind.stderr.contains("window or cumulative") && wrongKind.stderr.contains("dl30") && wrongKind.stderr.contains("likes"), "\(wrongKind.stderr)")
        #expect(wrongKind.stdout.isEmpty)

        let unknown = try box.owl("query", "download-share", "--metric", "nosuch", "--to", "2025-06-30")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no metric named nosuch") && unknown.stderr.contains("dl30"), "\(unknown.stderr)")

        let badBy = try box.owl("query", "download-share", "--metric", "dl30", "--by", "planet")
        #expect(badBy.status == 2)
        #expect(badBy.stderr.contains("country, organization, kind"), "\(badBy.stderr)")

        let badDate = try box.owl("query", "download-share", "--metric", "dl30", "--to", "2025-02-29")
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("--to") && badDate.stderr.contains("YYYY-MM-DD"), "\(badDate.stderr)")

        let badReleased = try box.owl("query", "download-share", "--metric", "dl30", "--to", "2025-06-30", "--released-from", "2025-6-1")
        #expect(badReleased.status == 2)
        #expect(badReleased.stderr.contains("--released-from"), "\(badReleased.stderr)")

        let zeroTop = try box.owl("query", "download-share", "--metric", "dl30", "--to", "2025-06-30", "--top", "0")
        #expect(zeroTop.status == 2)
        #expect(zeroTop.stderr.contains("--top") && zeroTop.stderr.contains("at least 1"), "\(zeroTop.stderr)")

        let missing = try box.owl("query", "download-share", "--to", "2025-06-30")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--metric"), "\(missing.stderr)")

        let unknownParameter = try box.owl("query", "download-share", "--metric", "dl30", "--color", "red")
        #expect(unknownParameter.status == 2)
        #expect(unknownParameter.stderr.contains("--color") && unknownParameter.stderr.contains("--metric"), "\(unknownParameter.stderr)")

        // A leap day that exists is accepted.
        let leap = try box.owl("query", "download-share", "--metric", "dl30", "--from", "2024-02-29", "--to", "2024-02-29", "--format", "csv")
        #expect(leap.status == 0, "\(leap.stderr)")
    }
}

// MARK: leaderboard

@Suite struct LeaderboardAnalysisTests {
    // likes on or before 2025-06-10 (each model's latest): A1-7B 50 (06-10; 999 on 06-20 is later),
    // A1-70B 50, B1 80, B2 20, G1 50; D1's only observation (06-11) is after --as-of.
    // Competition ranks: B1 1; A1-70B, A1-7B, G1 2 (ties by model name: "alpha/A1-70B" < "alpha/A1-7B"
    // because '0' < 'B'); B2 5.
    @Test func byModelCompetitionRanksWithTiesByName() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("leaderboard", "--metric", "likes", "--as-of", "2025-06-10")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: ["rank", "model", "organization", "country", "value"], rows: [
            ["1", "beta/B1", "beta", "US", "80"],
            ["2", "alpha/A1-70B", "alpha", "CN", "50"],
            ["2", "alpha/A1-7B", "alpha", "CN", "50"],
            ["2", "gamma/G1", "gamma", "US", "50"],
            ["5", "beta/B2", "beta", "US", "20"],
        ])
        let limited = try box.analysisCSV("leaderboard", "--metric", "likes", "--as-of", "2025-06-10", "--limit", "2")
        #expect(limited.table.dropFirst().map { $0[1] } == ["beta/B1", "alpha/A1-70B"])
    }

    // Cumulative groups sum: alpha 50 + 50 = 100 (2), beta 80 + 20 = 100 (2), gamma 50 (1).
    // Countries: US 80 + 20 + 50 = 150 (3), CN 100 (2).
    @Test func cumulativeGroupsSum() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let org = try box.analysisCSV("leaderboard", "--metric", "likes", "--as-of", "2025-06-10", "--by", "organization")
        #expect(org.run.status == 0, "\(org.run.stderr)")
        expectTable(org.table, header: ["rank", "group", "value", "models"], rows: [
            ["1", "alpha", "100", "2"],
            ["1", "beta", "100", "2"],
            ["3", "gamma", "50", "1"],
        ])
        let country = try box.analysisCSV("leaderboard", "--metric", "likes", "--as-of", "2025-06-10", "--by", "country")
        expectTable(country.table, header: ["rank", "group", "value", "models"], rows: [
            ["1", "US", "150", "3"],
            ["2", "CN", "100", "2"],
        ])
    }

    // mmlu as of 2025-06-30: A1-7B 62 (06-20 beats 06-01's 60), A1-70B 80, A2-MoE 75, B1 70, B2 80,
    // G1 40, D1 30 (its 90 is dated 07-15). Score groups take the best: alpha max(62, 80, 75) = 80 (3),
    // beta max(70, 80) = 80 (2), gamma 40, delta 30.
    @Test func scoreGroupsTakeTheMaximum() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let model = try box.analysisCSV("leaderboard", "--metric", "mmlu", "--as-of", "2025-06-30")
        expectTable(model.table, header: ["rank", "model", "organization", "country", "value"], rows: [
            ["1", "alpha/A1-70B", "alpha", "CN", "80"],
            ["1", "beta/B2", "beta", "US", "80"],
            ["3", "alpha/A2-MoE", "alpha", "CN", "75"],
            ["4", "beta/B1", "beta", "US", "70"],
            ["5", "alpha/A1-7B", "alpha", "CN", "62"],
            ["6", "gamma/G1", "gamma", "US", "40"],
            ["7", "delta/D1", "delta", "FR", "30"],
        ])
        let org = try box.analysisCSV("leaderboard", "--metric", "mmlu", "--as-of", "2025-06-30", "--by", "organization")
        expectTable(org.table, header: ["rank", "group", "value", "models"], rows: [
            ["1", "alpha", "80", "3"],
            ["1", "beta", "80", "2"],
            ["3", "gamma", "40", "1"],
            ["4", "delta", "30", "1"],
        ])
    }

    // --as-of is inclusive: on 2025-07-15 D1's 90 counts and leads. Before any observation: no rows.
    @Test func asOfIsInclusiveAndCanBeEmpty() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let later = try box.analysisCSV("leaderboard", "--metric", "mmlu", "--as-of", "2025-07-15", "--limit", "1")
        expectTable(later.table, header: ["rank", "model", "organization", "country", "value"], rows: [
            ["1", "delta/D1", "delta", "FR", "90"],
        ])
        let before = try box.analysisCSV("leaderboard", "--metric", "mmlu", "--as-of", "2025-05-31")
        #expect(before.run.status == 0, "\(before.run.stderr)")
        expectTable(before.table, header: ["rank", "model", "organization", "country", "value"], rows: [])
    }

    // ppl, higher_is_better false: lower ranks first. A1-70B 5.25, B2 6, B1 8, A1-7B 12.5, G1 12.5 (tie: 4, 4).
    // Groups take the minimum: alpha min(12.5, 5.25) = 5.25, beta min(8, 6) = 6, gamma 12.5
    // (a maximum would give alpha 12.5, beta 8). Countries: CN 5.25 (2), US min(8, 6, 12.5) = 6 (3).
    @Test func lowerIsBetterRanksAscendingAndGroupsTakeTheMinimum() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let model = try box.analysisCSV("leaderboard", "--metric", "ppl", "--as-of", "2025-06-30")
        #expect(model.run.status == 0, "\(model.run.stderr)")
        expectTable(model.table, header: ["rank", "model", "organization", "country", "value"], rows: [
            ["1", "alpha/A1-70B", "alpha", "CN", "5.25"],
            ["2", "beta/B2", "beta", "US", "6"],
            ["3", "beta/B1", "beta", "US", "8"],
            ["4", "alpha/A1-7B", "alpha", "CN", "12.5"],
            ["4", "gamma/G1", "gamma", "US", "12.5"],
        ])
        let org = try box.analysisCSV("leaderboard", "--metric", "ppl", "--as-of", "2025-06-30", "--by", "organization")
        expectTable(org.table, header: ["rank", "group", "value", "models"], rows: [
            ["1", "alpha", "5.25", "2"],
            ["2", "beta", "6", "2"],
            ["3", "gamma", "12.5", "1"],
        ])
        let country = try box.analysisCSV("leaderboard", "--metric", "ppl", "--as-of", "2025-06-30", "--by", "country")
        expectTable(country.table, header: ["rank", "group", "value", "models"], rows: [
            ["1", "CN", "5.25", "2"],
            ["2", "US", "6", "3"],
        ])
    }

    @Test func parameterErrors() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let window = try box.owl("query", "leaderboard", "--metric", "dl30", "--as-of", "2025-06-30")
        #expect(window.status == 1)
        #expect(window.stderr.contains("dl30 is a window metric"), "\(window.stderr)")
        for allowed in ["likes", "mmlu", "ppl"] { #expect(window.stderr.contains(allowed), "\(window.stderr)") }

        let badBy = try box.owl("query", "leaderboard", "--metric", "likes", "--by", "kind")
        #expect(badBy.status == 2)
        #expect(badBy.stderr.contains("model, organization, country"), "\(badBy.stderr)")

        let badDate = try box.owl("query", "leaderboard", "--metric", "likes", "--as-of", "2025-13-01")
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("--as-of") && badDate.stderr.contains("exists"), "\(badDate.stderr)")

        let badLimit = try box.owl("query", "leaderboard", "--metric", "likes", "--limit", "many")
        #expect(badLimit.status == 2)
        #expect(badLimit.stderr.contains("--limit"), "\(badLimit.stderr)")
    }
}

// MARK: cadence

@Suite struct CadenceAnalysisTests {
    static let header = ["group", "release_days", "models", "first_release", "last_release", "median_gap_days"]

    // Release days 2025-01-01 … 2025-06-13 (a0 on 2024-12-31 and g2 on 2025-07-01 fall outside; b4 on the --to day counts):
    //   alpha: 01-10 (A1-7B and A1-70B: one day), 01-20, 02-19, 04-10, 04-30 → 5 days; gaps 10, 30, 50 (Feb has
    //          28 days), 20 → sorted 10 20 30 50 → median (20 + 30) / 2 = 25; 6 models.
    //   beta:  02-01, 03-01, 03-15, 06-13 → 4 days; gaps 28, 14, 90 → median 28; 4 models.
    //   delta: D1 05-05 and D-solo 05-20 (a model without a release row counts by its own date) → 2 days, gap 15.
    //   gamma: g1 03-01 → 1 day, 1 model, no median.
    @Test func byOrganizationWithMedianGapsAndTies() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("cadence", "--from", "2025-01-01", "--to", "2025-06-13")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: Self.header, rows: [
            ["alpha", "5", "6", "2025-01-10", "2025-04-30", "25"],
            ["beta", "4", "4", "2025-02-01", "2025-06-13", "28"],
            ["delta", "2", "2", "2025-05-05", "2025-05-20", "15"],
            ["gamma", "1", "1", "2025-03-01", "2025-03-01", ""],
        ])
    }

    // By country: CN = alpha (5 days, 6 models, median 25); US = beta + gamma: 02-01, 03-01 (b2 and g1 the same
    // day: one release day), 03-15, 06-13 → 4 days, gaps 28, 14, 90 → median 28; 5 models. FR = delta: 2 days, 15.
    @Test func byCountry() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("cadence", "--from", "2025-01-01", "--to", "2025-06-13", "--by", "country")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: Self.header, rows: [
            ["CN", "5", "6", "2025-01-10", "2025-04-30", "25"],
            ["US", "4", "5", "2025-02-01", "2025-06-13", "28"],
            ["FR", "2", "2", "2025-05-05", "2025-05-20", "15"],
        ])
    }

    // One day holding a single release; and a range holding none.
    @Test func singleReleaseAndEmptyRange() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let single = try box.analysisCSV("cadence", "--from", "2025-05-05", "--to", "2025-05-05")
        expectTable(single.table, header: Self.header, rows: [
            ["delta", "1", "1", "2025-05-05", "2025-05-05", ""],
        ])
        let json = try box.owl("query", "cadence", "--from", "2025-05-05", "--to", "2025-05-05", "--format", "json")
        let objects = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(objects?.first?["median_gap_days"] is NSNull, "an empty median is null in JSON: \(json.stdout)")
        let empty = try box.analysisCSV("cadence", "--from", "2023-01-01", "--to", "2023-12-31")
        #expect(empty.run.status == 0, "\(empty.run.stderr)")
        expectTable(empty.table, header: Self.header, rows: [])
    }

    @Test func parameterErrors() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let badBy = try box.owl("query", "cadence", "--by", "kind", "--to", "2025-06-30")
        #expect(badBy.status == 2)
        #expect(badBy.stderr.contains("organization, country"), "\(badBy.stderr)")
        let badDate = try box.owl("query", "cadence", "--from", "2025-04-31", "--to", "2025-06-30")
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("--from") && badDate.stderr.contains("date that exists"), "\(badDate.stderr)")
    }
}

// MARK: timeline

@Suite struct TimelineAnalysisTests {
    // 2025-01-01 … 2025-06-30 by quarter and country (A0-old 2024 and G2 07-01 are outside):
    //   Q1: CN A1-7B, A1-70B, A2-MoE, A3 = 4; US B1, B2, B3, G1 = 4 (tie → CN, US)
    //   Q2: CN A4, A5 = 2; FR D1, D-solo = 2 (tie → CN, FR); US B4 = 1
    @Test func quarterByCountryIsTheDefault() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("timeline", "--from", "2025-01-01", "--to", "2025-06-30")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: ["period", "group", "models"], rows: [
            ["2025-Q1", "CN", "4"], ["2025-Q1", "US", "4"],
            ["2025-Q2", "CN", "2"], ["2025-Q2", "FR", "2"], ["2025-Q2", "US", "1"],
        ])
    }

    // 2025-03-01 … 2025-04-30 by month and architecture, both ends inclusive:
    //   2025-03: B2 moe, B3 dense, G1 dense → dense 2, moe 1
    //   2025-04: A4 (none → unknown), A5 dense → dense 1, unknown 1 (tie by name)
    @Test func monthByArchitectureWithUnknown() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("timeline", "--period", "month", "--by", "architecture",
                                               "--from", "2025-03-01", "--to", "2025-04-30")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: ["period", "group", "models"], rows: [
            ["2025-03", "dense", "2"], ["2025-03", "moe", "1"],
            ["2025-04", "dense", "1"], ["2025-04", "unknown", "1"],
        ])
    }

    // By year and openness up to 2025-12-31 (no --from): 2024: A0-old open-weights.
    // 2025: open-weights A1-7B, A1-70B, A3, B1, B2, D1, D-solo = 7; open-source A2, B4, G1, G2 = 4;
    // restricted-weights A5, B3 = 2; unknown A4 = 1.
    @Test func yearByOpenness() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("timeline", "--period", "year", "--by", "openness", "--to", "2025-12-31")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: ["period", "group", "models"], rows: [
            ["2024", "open-weights", "1"],
            ["2025", "open-weights", "7"], ["2025", "open-source", "4"],
            ["2025", "restricted-weights", "2"], ["2025", "unknown", "1"],
        ])
    }

    // By organization on the single day 2025-01-10: alpha's A1-7B and A1-70B. Empty range: header only.
    @Test func organizationSingleDayAndEmptyRange() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let day = try box.analysisCSV("timeline", "--period", "month", "--by", "organization", "--from", "2025-01-10", "--to", "2025-01-10")
        expectTable(day.table, header: ["period", "group", "models"], rows: [["2025-01", "alpha", "2"]])
        let empty = try box.analysisCSV("timeline", "--from", "2030-01-01", "--to", "2030-12-31")
        #expect(empty.run.status == 0, "\(empty.run.stderr)")
        expectTable(empty.table, header: ["period", "group", "models"], rows: [])
    }

    @Test func parameterErrors() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let badPeriod = try box.owl("query", "timeline", "--period", "week", "--to", "2025-06-30")
        #expect(badPeriod.status == 2)
        #expect(badPeriod.stderr.contains("month, quarter, year"), "\(badPeriod.stderr)")
        let badBy = try box.owl("query", "timeline", "--by", "license", "--to", "2025-06-30")
        #expect(badBy.status == 2)
        #expect(badBy.stderr.contains("country, organization, openness, architecture"), "\(badBy.stderr)")
        let badDate = try box.owl("query", "timeline", "--to", "2025-06-31")
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("--to"), "\(badDate.stderr)")
    }
}

// MARK: concentration

@Suite struct ConcentrationAnalysisTests {
    // Its amounts are held to the definition in MeasureTests; here, what it refuses.
    @Test func parameterErrors() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let score = try box.owl("query", "concentration", "--metric", "mmlu", "--to", "2025-06-30")
        #expect(score.status == 1)
        #expect(score.stderr.contains("mmlu is a score metric") && score.stderr.contains("dl30"), "\(score.stderr)")
        let badPeriod = try box.owl("query", "concentration", "--metric", "dl30", "--period", "week")
        #expect(badPeriod.status == 2)
        #expect(badPeriod.stderr.contains("month, quarter, year"), "\(badPeriod.stderr)")
        let badBy = try box.owl("query", "concentration", "--metric", "dl30", "--by", "kind")
        #expect(badBy.status == 2)
        #expect(badBy.stderr.contains("organization, country"), "\(badBy.stderr)")
    }
}

// MARK: efficiency

@Suite struct EfficiencyAnalysisTests {
    // mmlu as of 2025-06-30, by score descending, ties by model name:
    //   alpha/A1-70B 80 / 70 = 1.142857 → 1.1429 (dense: active = total 70)
    //   beta/B2      80 / 200 = 0.4, / 20 active = 4
    //   alpha/A2-MoE 75 / 100 = 0.75, / 10 = 7.5
    //   beta/B1      70 / 20 = 3.5 (dense)
    //   alpha/A1-7B  62 / 7 = 8.857142… → 8.8571 (its 06-20 score, not 06-01's 60)
    //   gamma/G1     40 / 1 = 40
    //   delta/D1     30 / 12 = 2.5; MoE without active parameters → empty (its 90 is after --as-of)
    static let header = ["model", "organization", "score", "params_total_b", "params_active_b", "score_per_total_b", "score_per_active_b"]
    static let expected = [
        ["alpha/A1-70B", "alpha", "80", "70", "70", "1.1429", "1.1429"],
        ["beta/B2", "beta", "80", "200", "20", "0.4", "4"],
        ["alpha/A2-MoE", "alpha", "75", "100", "10", "0.75", "7.5"],
        ["beta/B1", "beta", "70", "20", "20", "3.5", "3.5"],
        ["alpha/A1-7B", "alpha", "62", "7", "7", "8.8571", "8.8571"],
        ["gamma/G1", "gamma", "40", "1", "1", "40", "40"],
        ["delta/D1", "delta", "30", "12", "", "2.5", ""],
    ]

    @Test func scorePerBillionParameters() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("efficiency", "--metric", "mmlu", "--as-of", "2025-06-30")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: Self.header, rows: Self.expected)
        let limited = try box.analysisCSV("efficiency", "--metric", "mmlu", "--as-of", "2025-06-30", "--limit", "2")
        expectTable(limited.table, header: Self.header, rows: Array(Self.expected.prefix(2)))
        let empty = try box.analysisCSV("efficiency", "--metric", "mmlu", "--as-of", "2025-01-01")
        #expect(empty.run.status == 0, "\(empty.run.stderr)")
        expectTable(empty.table, header: Self.header, rows: [])
    }

    // ppl (higher_is_better false) as of 2025-06-30. The contract says "sorted by score descending";
    // this implementation sorts best first, like leaderboard: A1-70B 5.25, B2 6, B1 8, then the
    // 12.5 tie A1-7B, G1 by name. 5.25 / 70 = 0.075; 6 / 200 = 0.03, 6 / 20 = 0.3; 8 / 20 = 0.4;
    // 12.5 / 7 = 1.785714… → 1.7857; 12.5 / 1 = 12.5.
    @Test func lowerIsBetterScoreListsTheBestFirst() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("efficiency", "--metric", "ppl", "--as-of", "2025-06-30")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: Self.header, rows: [
            ["alpha/A1-70B", "alpha", "5.25", "70", "70", "0.075", "0.075"],
            ["beta/B2", "beta", "6", "200", "20", "0.03", "0.3"],
            ["beta/B1", "beta", "8", "20", "20", "0.4", "0.4"],
            ["alpha/A1-7B", "alpha", "12.5", "7", "7", "1.7857", "1.7857"],
            ["gamma/G1", "gamma", "12.5", "1", "1", "12.5", "12.5"],
        ])
    }

    @Test func parameterErrors() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let cumulative = try box.owl("query", "efficiency", "--metric", "likes", "--as-of", "2025-06-30")
        #expect(cumulative.status == 1)
        #expect(cumulative.stderr.contains("likes is a cumulative metric"), "\(cumulative.stderr)")
        #expect(cumulative.stderr.contains("mmlu") && cumulative.stderr.contains("ppl"), "\(cumulative.stderr)")
        #expect(!cumulative.stderr.contains("dl30"), "only score metrics are offered: \(cumulative.stderr)")
        let zero = try box.owl("query", "efficiency", "--metric", "mmlu", "--limit", "0")
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--limit") && zero.stderr.contains("at least 1"), "\(zero.stderr)")
        let badDate = try box.owl("query", "efficiency", "--metric", "mmlu", "--as-of", "yesterday")
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("--as-of") && badDate.stderr.contains("YYYY-MM-DD"), "\(badDate.stderr)")
    }
}

// MARK: openness

@Suite struct OpennessAnalysisTests {
    // By year up to 2025-12-31: 2024: A0-old open-weights 1 → 100%.
    // 2025 (14 models): open-weights 7 → 50; open-source 4 → 28.5714… → 28.57;
    // restricted-weights 2 → 14.2857… → 14.29; unknown 1 → 7.1428… → 7.14.
    @Test func byYearWithShares() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("openness", "--to", "2025-12-31")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: ["period", "openness", "models", "share_pct"], rows: [
            ["2024", "open-weights", "1", "100"],
            ["2025", "open-weights", "7", "50"],
            ["2025", "open-source", "4", "28.57"],
            ["2025", "restricted-weights", "2", "14.29"],
            ["2025", "unknown", "1", "7.14"],
        ])
    }

    // 2025-Q2 (04-01 … 06-30): A4 unknown, A5 restricted-weights, B4 open-source, D1 and D-solo open-weights
    // → open-weights 2 (40%), then a three-way tie at 1 (20%) by name: open-source, restricted-weights, unknown.
    @Test func byQuarterWithTies() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let (run, table) = try box.analysisCSV("openness", "--period", "quarter", "--from", "2025-04-01", "--to", "2025-06-30")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(table, header: ["period", "openness", "models", "share_pct"], rows: [
            ["2025-Q2", "open-weights", "2", "40"],
            ["2025-Q2", "open-source", "1", "20"],
            ["2025-Q2", "restricted-weights", "1", "20"],
            ["2025-Q2", "unknown", "1", "20"],
        ])
    }

    @Test func emptyRangeAndParameterErrors() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let empty = try box.analysisCSV("openness", "--from", "2030-01-01", "--to", "2030-12-31")
        #expect(empty.run.status == 0, "\(empty.run.stderr)")
        expectTable(empty.table, header: ["period", "openness", "models", "share_pct"], rows: [])
        let badPeriod = try box.owl("query", "openness", "--period", "month")
        #expect(badPeriod.status == 2)
        #expect(badPeriod.stderr.contains("year, quarter"), "\(badPeriod.stderr)")
        let badDate = try box.owl("query", "openness", "--from", "2025-00-10")
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("--from"), "\(badDate.stderr)")
        let unknownAnalysis = try box.owl("query", "opennes", "--to", "2025-12-31")
        #expect(unknownAnalysis.status == 2)
        #expect(unknownAnalysis.stderr.contains("openness"), "\(unknownAnalysis.stderr)")
    }
}

// MARK: ad-hoc SQL

@Suite struct AdHocSQLAnalysisTests {
    @Test func aReadOnlySelectRunsWithParameters() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        // alpha has A0-old, A1-7B, A1-70B, A2-MoE, A3, A4, A5 = 7 models; 3 of them have params_total_b > 20 (70, 100, 32).
        let run = try box.owl("query", "--sql", "SELECT count(*) AS n, sum(params_total_b > :min) AS big FROM models WHERE organization = :org;  -- done",
                              "--param", "org=alpha", "--param", "min=20", "--format", "csv")
        #expect(run.status == 0, "\(run.stderr)")
        expectTable(parseCSV(run.stdout), header: ["n", "big"], rows: [["7", "3"]])
        let pragma = try box.owl("query", "--sql", "PRAGMA table_info(metrics)", "--format", "csv")
        #expect(pragma.status == 0, "reading pragmas are allowed: \(pragma.stderr)")
        #expect(pragma.stdout.contains("higher_is_better"))
        let unbound = try box.owl("query", "--sql", "SELECT * FROM models WHERE organization = :org")
        #expect(unbound.status == 1)
        #expect(unbound.stderr.contains("--param org="), "\(unbound.stderr)")
    }

    @Test(arguments: [
        "INSERT INTO organizations (id, name, country, kind) VALUES ('x', 'X', 'US', 'company')",
        "UPDATE models SET params_total_b = 1",
        "DELETE FROM observations",
        "DROP TABLE observations",
        "CREATE TABLE scratch (x)",
        "CREATE INDEX scratch_index ON models (name)",
        "ALTER TABLE models ADD COLUMN extra TEXT",
        "WITH doomed AS (SELECT key FROM models) DELETE FROM models WHERE key IN (SELECT key FROM doomed)",
        "REPLACE INTO metrics (key, id, name, unit, kind) VALUES (1, 'dl30', 'x', 'x', 'cumulative')",
        "ATTACH DATABASE 'attached.sqlite' AS other",
        "DETACH DATABASE main",
        "PRAGMA user_version = 7",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA query_only = 0",
        "VACUUM",
        "VACUUM INTO 'copy.sqlite'",
        "ANALYZE",
        "REINDEX",
        "SELECT 1; DELETE FROM observations",
        "SELECT 1; SELECT 2",
        "BEGIN; DELETE FROM models; COMMIT",
    ])
    func writesAreRefusedAndLeaveTheDatabaseUntouched(sql: String) throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let bytesBefore = try Data(contentsOf: URL(fileURLWithPath: box.path("owl.sqlite")))
        let dumpBefore = try box.dump()
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: box.folder.path).filter { !$0.hasPrefix(".std") }.sorted()

        let run = try box.owl("query", "--sql", sql, "--format", "csv")
        #expect(run.status == 1, "\(sql) was not refused: \(run.stdout)")
        #expect(run.stderr.contains("refused"), "\(sql): unclear message: \(run.stderr)")
        #expect(run.stdout.isEmpty)

        #expect(try Data(contentsOf: URL(fileURLWithPath: box.path("owl.sqlite"))) == bytesBefore, "\(sql) changed the file")
        #expect(try box.dump() == dumpBefore, "\(sql) changed the contents")
        let filesAfter = try FileManager.default.contentsOfDirectory(atPath: box.folder.path).filter { !$0.hasPrefix(".std") }.sorted()
        #expect(filesAfter == filesBefore, "\(sql) created files: \(Set(filesAfter).subtracting(filesBefore))")
    }

    @Test func aSyntaxErrorIsReported() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try box.owl("query", "--sql", "SELEC 1")
        #expect(run.status == 1)
        #expect(run.stderr.contains("SQL error"), "\(run.stderr)")
    }

    /// A query written for the date's text column (before schema version 11) fails and says
    /// what to write instead; the advice it gives works.
    @Test func theOldDateColumnIsNamedWithItsReplacement() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let old = try box.owl("query", "--sql", "SELECT count(*) FROM observations o WHERE o.observed_on >= '2025-01-01'")
        #expect(old.status == 1)
        #expect(old.stderr.contains("no such column: o.observed_on; observations store the day as observed_day"), "\(old.stderr)")
        let byDay = try box.owl("query", "--sql", "SELECT count(*) FROM observations WHERE observed_day >= unixepoch('2025-01-01') / 86400", "--format", "csv")
        let byDate = try box.owl("query", "--sql", "SELECT count(*) FROM observations_named WHERE observed_on >= '2025-01-01'", "--format", "csv")
        #expect(byDay.status == 0 && byDay.stdout == byDate.stdout, "\(byDay.stdout)\(byDay.stderr) vs \(byDate.stdout)\(byDate.stderr)")
        #expect(byDay.stdout != "count(*)\r\n0\r\n" && !byDay.stdout.isEmpty, "\(byDay.stdout)")
    }
}

// MARK: defaults

@Suite struct DefaultDatesAnalysisTests {
    // A missing --as-of or --to means today: an observation dated 2999-01-01 is left out, the 2025 ones
    // (all before today) count. mmlu without --as-of: D1's 90 (2025-07-15) leads; G1's 100 in 2999 does not.
    // dl30 without --from/--to: gamma's one 2025 snapshot (50 over its 30 days) counts, its 2999 one (5000) does not.
    @Test func missingAsOfAndToMeanToday() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        try box.loadAnalysisFiles(["observations.csv": """
            model,metric,observed_on,value,source
            gamma/G1,mmlu,2999-01-01,100,future
            gamma/G1,dl30,2999-01-01,5000,future

            """], folder: "future")
        let leader = try box.analysisCSV("leaderboard", "--metric", "mmlu", "--limit", "2")
        #expect(leader.run.status == 0, "\(leader.run.stderr)")
        expectTable(leader.table, header: ["rank", "model", "organization", "country", "value"], rows: [
            ["1", "delta/D1", "delta", "FR", "90"],
            ["2", "alpha/A1-70B", "alpha", "CN", "80"],
        ])
        // gamma/G1's dl30 snapshot dated 2999 counts only with a --to that reaches its window.
        let share = try box.analysisCSV("download-share", "--metric", "dl30", "--by", "organization")
        #expect(share.run.status == 0, "\(share.run.stderr)")
        #expect(share.table.first { $0.first == "gamma" }?[1] == "50", "\(share.table)")
        let far = try box.analysisCSV("download-share", "--metric", "dl30", "--by", "organization", "--to", "2999-12-31")
        #expect(far.table.first { $0.first == "gamma" }?[1] == "5050", "\(far.table)")
    }
}
