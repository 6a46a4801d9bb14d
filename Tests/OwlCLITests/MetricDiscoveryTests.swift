import Foundation
import Testing

// Metric ids are discoverable: `owl analyses` takes --db and lists the stored metrics each
// analysis can take; `owl metrics` lists them with their kind and the analyses that take them.

@Suite struct MetricDiscoveryTests {
    /// Three metrics, one of each kind, and likes for one model.
    func prepare(_ box: Sandbox, db: String = "owl.sqlite") throws {
        try box.write("d/organizations.csv", "id,name,country,kind\nlab,A Lab,FR,academic\n")
        try box.write("d/models.csv", "id,organization,name,released_on\nlab/m,lab,M,2025-01-01\n")
        try box.write("d/metrics.csv", """
            id,name,unit,kind,window_days
            dl_30d,Downloads,downloads,window,30
            likes,Likes,likes,cumulative,
            mmlu,MMLU,percent,score,

            """)
        try box.write("d/observations.csv", "model,metric,observed_on,value\nlab/m,likes,2025-02-01,5\n")
        let run = try box.owl("ingest", "--db", db, "d")
        try #require(run.status == 0, "\(run.stderr)")
    }

    @Test func analysesListTheMetricsEachCanTake() throws {
        let box = try Sandbox()
        try prepare(box, db: "research.sqlite")
        let run = try box.owl("analyses", "--db", "research.sqlite")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        func metricsLine(after analysis: String) -> String? {
            guard let start = lines.firstIndex(where: { $0.hasPrefix(analysis + " ") }) else { return nil }
            return lines[(start + 1)...].first { $0.contains("--metric: ") }?.trimmingCharacters(in: .whitespaces)
        }
        // download-share and concentration take amounts (window and cumulative metrics); leaderboard ranks cumulative and scores.
        #expect(metricsLine(after: "download-share") == "--metric: dl_30d, likes", "\(run.stdout)")
        #expect(metricsLine(after: "concentration") == "--metric: dl_30d, likes", "\(run.stdout)")
        #expect(metricsLine(after: "leaderboard") == "--metric: likes, mmlu", "\(run.stdout)")
        let one = try box.owl("analyses", "leaderboard", "--db", "research.sqlite")
        #expect(one.stdout.contains("Metrics stored in research.sqlite:\n  --metric: likes, mmlu"), "\(one.stdout)")
        #expect(one.stdout.contains("owl query leaderboard --metric likes"), "\(one.stdout)")
    }

    @Test func withoutADatabaseAnalysesStillListsAndAMissingDbIsNamed() throws {
        let box = try Sandbox()
        let plain = try box.owl("analyses")
        #expect(plain.status == 0 && plain.stdout.contains("leaderboard") && !plain.stdout.contains("--metric: "), "\(plain.stdout)")
        #expect(!FileManager.default.fileExists(atPath: box.path("owl.sqlite")))
        let missing = try box.owl("analyses", "--db", "nothere.sqlite")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no database at nothere.sqlite"), "\(missing.stderr)")
    }

    @Test func metricsListsKindModelsAndAnalyses() throws {
        let box = try Sandbox()
        try prepare(box)
        let run = try box.owl("metrics", "--format", "csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(parseCSV(run.stdout) == [
            ["id", "kind", "window_days", "unit", "name", "models", "analyses"],
            ["dl_30d", "window", "30", "downloads", "Downloads", "0", "concentration coverage derivatives download-share"],
            ["likes", "cumulative", "", "likes", "Likes", "1", "concentration coverage derivatives download-share leaderboard"],
            ["mmlu", "score", "", "percent", "MMLU", "0", "efficiency leaderboard"],
        ], "\(run.stdout)")
    }
}
