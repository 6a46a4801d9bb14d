import ArgumentParser
import Foundation

/// The README's performance tables in one run: ingest and the analyses at each scale, with
/// the same peers as `ingest` and `analyses`, printed as Markdown with each target beside its
/// figure and the ones missed listed at the end.
struct ScaleBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Ingest and the analyses at 1× and 10× against the sqlite3 shell and DuckDB, in one run: the README's tables.",
        discussion: """
            Runs what `ingest` runs at each scale (owl/sqlite3 pairs, DuckDB's load, owl's
            JSON Lines and JSON loads), then what `analyses` runs (each case in process and
            in DuckDB), and prints both scales side by side as Markdown, with the growth of
            owl's figures and the targets missed. With the datasets generated, 1× and 10×
            take about 17 minutes on two cores, and the 10× folder under $TMPDIR 25 GB.
            """)

    @Option(parsing: .upToNextOption, help: "The scales to run, smallest first; growth is measured against the first.")
    var scales = [1, 10]

    @Option(help: "owl/sqlite3 pairs at each scale (medians reported).")
    var pairs = 3

    @Option(help: "Of those, how many at the larger scales also time owl's JSON Lines and JSON loads (about 80 s each at 10×).")
    var formatRounds = 1

    @Option(help: "owl's runs of each analysis (the best is reported).")
    var runs = 5

    func validate() throws {
        guard !scales.isEmpty, scales.allSatisfy({ $0 >= 1 }), scales == scales.sorted() else {
            throw ValidationError("--scales takes sizes of 1 or more, smallest first (got \(scales.map(String.init).joined(separator: " ")))")
        }
    }

    func run() throws {
        let options = try scales.map { try BenchOptions.parse(["--scale", String($0)]) }
        try ensureDatasets(options)
        let started = Date()
        let loadAtStart = loadAverage()
        // Every ingest first: a child's peak memory as Linux reports it includes this process's
        // own peak, which the analyses, run in this process, would raise.
        var ingests: [IngestFigures] = [], analyses: [AnalysesBench.Figures] = []
        for (index, option) in options.enumerated() {
            print("--- \(option.scale)×: ingest (\(timeOfDay(Date())), load average \(loadAverage()))")
            ingests.append(try measureIngest(option, pairs: pairs, formatRounds: index == 0 ? pairs : formatRounds, formatsOnly: false))
        }
        for (index, option) in options.enumerated() {
            print("--- \(option.scale)×: analyses (\(timeOfDay(Date())), load average \(loadAverage()))")
            // DuckDB takes minutes a query at 10×, many times owl's time: one run each there.
            analyses.append(try AnalysesBench.measureCases(AnalysesBench.cases, option, runs: runs, peerRuns: index == 0 ? 3 : 1))
        }
        print("""

            owl-bench scale, \(timeOfDay(started))–\(timeOfDay(Date())) UTC on \(dayOf(started)), load average \(loadAtStart) at the start, \(loadAverage()) at the end

            """)
        var missed: [String] = []
        printIngest(ingests, missed: &missed)
        print("")
        printAnalyses(analyses, missed: &missed)
        print(missed.isEmpty ? "\nEvery target met." : "\nTargets missed:\n" + missed.map { "- " + $0 }.joined(separator: "\n"))
    }

    private func printIngest(_ figures: [IngestFigures], missed: inout [String]) {
        let base = figures[0]
        func row(_ name: String, _ cells: [String], target: String) {
            print("| \(name) | " + cells.joined(separator: " | ") + " | \(target) |")
        }
        print("| ingest | " + zip(scales, figures).map { "\($0)× (\(millions($1.rows)) rows)" }.joined(separator: " | ") + " | target |")
        print("| --- | " + figures.map { _ in "--- | " }.joined() + "--- |")
        row("owl ingest, closing checkpoint counted", zip(scales, figures).map { scale, f in
            let own = String(format: "%.2f s, %@ rows/s", f.owlSeconds, millions(Int(Double(f.rows) / f.owlSeconds)))
            guard scale != scales[0] else { return own }
            let growth = (Double(f.rows) / f.owlSeconds) / (Double(base.rows) / base.owlSeconds)
            check(growth >= 0.85, "ingest rows/s at \(scale)× is \(fixed(growth))× the \(scales[0])× rate", &missed)
            return own + " (**\(fixed(growth))×** the \(scales[0])× rate)"
        }, target: "rows/s within 15% of the 1× rate")
        row("sqlite3 `.import --csv`", zip(scales, figures).map { scale, f in
            let ratio = f.shellSeconds / f.owlSeconds
            check(ratio >= 1, "ingest at \(scale)× is \(fixed(ratio))× the shell's rows/s", &missed)
            return String(format: "%.2f s: owl **%@×** its rows/s", f.shellSeconds, fixed(ratio))
        }, target: "owl ≥ 1.00× (1.2× hoped)")
        row("DuckDB `read_csv` (median of 3)", figures.map { String(format: "%.2f s: owl %@×", $0.duckSeconds, fixed($0.duckSeconds / $0.owlSeconds)) },
            target: "—")
        row("owl peak memory", zip(scales, figures).map { scale, f in
            check(peak(f.owl) < 150 << 20, "peak memory at \(scale)× is \(megabytes(peak(f.owl)))", &missed)
            return megabytes(peak(f.owl))
        }, target: "under 150 MB")
        row("database, no `-wal` left", zip(scales, figures).map { scale, f in
            check(f.sizeRatio <= 0.6, "the database at \(scale)× is \(fixed(f.sizeRatio))× the shell's table", &missed)
            return "owl \(megabytes(f.owlBytes + f.walBytes)), shell \(megabytes(f.plainBytes)) (**\(fixed(f.sizeRatio))×**), DuckDB \(megabytes(f.duckBytes))"
        }, target: "at most 0.60× the shell's")
        row("owl JSON Lines, JSON ÷ owl CSV rows/s", zip(scales, figures).map { scale, f in
            let lines = f.owlSeconds / f.jsonLinesSeconds, array = f.owlSeconds / f.jsonSeconds
            check(lines >= 0.8, "JSON Lines at \(scale)× loads at \(fixed(lines))× owl's CSV rows/s", &missed)
            check(array >= 0.8, "JSON at \(scale)× loads at \(fixed(array))× owl's CSV rows/s", &missed)
            return "**\(fixed(lines)), \(fixed(array))** (\(String(format: "%.2f s, %.2f s", f.jsonLinesSeconds, f.jsonSeconds)))"
        }, target: "≥ 0.80 each")
    }

    /// The analyses with targets: at most DuckDB's time, and at most 12× their own 1× time at 10×.
    static let targeted: Set<String> = ["download-share", "concentration", "leaderboard", "coverage"]

    private func printAnalyses(_ figures: [AnalysesBench.Figures], missed: inout [String]) {
        var header = "| analysis (owl best of \(runs), DuckDB best of 3, then of 1) |"
        for scale in scales { header += " owl \(scale)× | DuckDB \(scale)× | owl ÷ DuckDB |" }
        for scale in scales.dropFirst() { header += " owl \(scale)× ÷ \(scales[0])× |" }
        print(header)
        print("| --- |" + String(repeating: " --- |", count: scales.count * 3 + scales.count - 1))
        for test in AnalysesBench.cases {
            let targeted = Self.targeted.contains(test.name)
            var line = "| \(test.label) |"
            for (scale, f) in zip(scales, figures) {
                let own = f.owlTimes[test.label] ?? .nan
                let peer = f.duck[test.label] ?? .nan
                let ratio = own / peer
                if targeted { check(ratio <= 1, "\(test.label) at \(scale)× takes \(fixed(ratio))× DuckDB's time", &missed) }
                let differs = f.sameAnswer(test.label) == false
                check(!differs, "\(test.label) at \(scale)×: owl's checksum differs from DuckDB's", &missed)
                let answer = differs ? " (checksums differ)" : ""
                line += String(format: " %.3f s | %.3f s | ", own, peer) + (targeted ? "**\(fixed(ratio))**" : fixed(ratio)) + answer + " |"
            }
            for (scale, f) in zip(scales, figures).dropFirst() {
                let growth = (f.owlTimes[test.label] ?? .nan) / (figures[0].owlTimes[test.label] ?? .nan)
                let limit = 1.2 * Double(scale) / Double(scales[0])
                if targeted { check(growth <= limit, "\(test.label) at \(scale)× takes \(fixed(growth, digits: 1))× its \(scales[0])× time", &missed) }
                line += " \(fixed(growth, digits: 1)) |"
            }
            print(line)
        }
        print("\nTargets: download-share, concentration, leaderboard and coverage at most 1.00× DuckDB's time, with equal "
            + "checksums, and at most 1.2× as many times their first-scale time as the data grew (12× at 10×).")
    }

    private func check(_ met: Bool, _ miss: String, _ missed: inout [String]) {
        if !met { missed.append(miss) }
    }
}

func fixed(_ value: Double, digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

func millions(_ count: Int) -> String { String(format: "%.2fM", Double(count) / 1_000_000) }

/// The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

func timeOfDay(_ date: Date) -> String { utcFormat("HH:mm").string(from: date) }

func dayOf(_ date: Date) -> String { utcFormat("yyyy-MM-dd").string(from: date) }

private func utcFormat(_ format: String) -> DateFormatter {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = format
    return formatter
}
