import Foundation
import Testing

// owl's one definition of "how much of a metric fell in a date range" (README, "Measures"),
// checked through the built binary: the worked examples of the definition with their
// numbers, sampling patterns, loads out of order, and random observation sets against a
// plain day-by-day reference implementation written here.

/// A small world: one organization per model (so `--by organization` reads one model), one
/// window metric `dl` of `window` days and one cumulative metric `likes`.
private struct World {
    struct Model {
        let id: String
        let country: String
        let released: String
        var observations: [(date: String, metric: String, value: Double)]
    }
    var models: [Model]
    var window = 30

    /// With `splitAt`, the first `split` observation rows go in a second file: loaded after the
    /// rest they are older than what is stored (a load out of order); with `olderFirst`, loaded
    /// first, the rest continues their series (a later file extending them).
    func load(into box: Sandbox, splitAt split: Int? = nil, olderFirst: Bool = false) throws {
        var organizations = "id,name,country,kind\n"
        var models = "id,organization,name,released_on\n"
        for model in self.models {
            organizations += "\(model.id),Org \(model.id),\(model.country),company\n"
            models += "\(model.id)/m,\(model.id),M,\(model.released)\n"
        }
        try box.write("world/organizations.csv", organizations)
        try box.write("world/models.csv", models)
        try box.write("world/metrics.csv", "id,name,unit,kind,window_days\ndl,Downloads,downloads,window,\(window)\nlikes,Likes,likes,cumulative,\n")
        var rows = self.models.flatMap { model in model.observations.map { "\(model.id)/m,\($0.metric),\($0.date),\($0.value)\n" } }
        var later: [String] = []
        if let split {
            later = Array(rows[..<min(split, rows.count)])
            rows = Array(rows[min(split, rows.count)...])
            if olderFirst { swap(&rows, &later) }
        }
        try box.write("world/observations.csv", "model,metric,observed_on,value\n" + rows.joined())
        let first = try box.owl("ingest", "world")
        #expect(first.status == 0, "\(first.stderr)")
        if !later.isEmpty {
            try box.write("later.csv", "model,metric,observed_on,value\n" + later.joined())
            let second = try box.owl("ingest", "later.csv", "--into", "observations")
            #expect(second.status == 0, "\(second.stderr)")
        }
    }
}

private func dates(from start: String, every step: Int, count: Int) -> [String] {
    (0..<count).map { day(start, plus: $0 * step) }
}

/// `date` plus `days`, as YYYY-MM-DD (UTC).
private func day(_ date: String, plus days: Int) -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.locale = Locale(identifier: "en_US_POSIX")
    return formatter.string(from: formatter.date(from: date)!.addingTimeInterval(Double(days) * 86_400))
}

private func dayNumber(_ date: String) -> Int {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.locale = Locale(identifier: "en_US_POSIX")
    return Int((formatter.date(from: date)!.timeIntervalSince1970 / 86_400).rounded())
}

/// `owl query download-share --by organization` as organization → (value, coverage_pct), per period.
private func shares(_ box: Sandbox, metric: String, from: String, to: String, period: String? = nil,
                    extra: [String] = []) throws -> [String: (value: Double, coverage: Double)] {
    var arguments = ["query", "download-share", "--metric", metric, "--by", "organization", "--from", from, "--to", to, "--format", "csv"]
    if let period { arguments += ["--period", period] }
    let run = try box.run(arguments + extra)
    #expect(run.status == 0, "\(run.stderr)")
    let table = parseCSV(run.stdout)
    let header = table.first ?? []
    let group = header.firstIndex(of: "group") ?? 0, value = header.firstIndex(of: "value") ?? 0
    let coverage = header.firstIndex(of: "coverage_pct") ?? 0, periodColumn = header.firstIndex(of: "period")
    var result: [String: (Double, Double)] = [:]
    for row in table.dropFirst() {
        let key = (periodColumn.map { row[$0] + " " } ?? "") + row[group]
        result[key] = (Double(row[value]) ?? .nan, Double(row[coverage]) ?? .nan)
    }
    return result
}

private func close(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(abs(a), abs(b), 1)
}

@Suite struct MeasureWorkedExampleTests {
    // 1. Released 2025-01-01, 100 downloads a day: a daily 30-day snapshot on day k reads 100 × k.
    //    Jan 1–30 → 3000. Weekly snapshots (Jan 7, 14, 21, 28) and Jan 1–28 → 2800.
    @Test func aNewModelSnapshottedDailyOrWeekly() throws {
        let box = try Sandbox()
        let daily = dates(from: "2025-01-01", every: 1, count: 30).enumerated().map { ($1, "dl", 100.0 * Double($0 + 1)) }
        let weekly = dates(from: "2025-01-07", every: 7, count: 4).enumerated().map { ($1, "dl", 700.0 * Double($0 + 1)) }
        try World(models: [.init(id: "daily", country: "US", released: "2025-01-01", observations: daily),
                           .init(id: "weekly", country: "US", released: "2025-01-01", observations: weekly)]).load(into: box)
        let month = try shares(box, metric: "dl", from: "2025-01-01", to: "2025-01-30")
        #expect(close(month["daily"]?.value ?? 0, 3000), "\(month)")
        let fourWeeks = try shares(box, metric: "dl", from: "2025-01-01", to: "2025-01-28")
        #expect(close(fourWeeks["weekly"]?.value ?? 0, 2800), "\(fourWeeks)")
        #expect(fourWeeks["weekly"]?.coverage == 100)
    }

    // 2. A (released 2024) snapshotted daily Jan 1…30 with 300 each; B once, Jan 30, with 300.
    //    Jan 1–30 → A 300, B 300: 50 / 50, however often each was sampled.
    @Test func samplingDoesNotMatter() throws {
        let box = try Sandbox()
        let a = dates(from: "2025-01-01", every: 1, count: 30).map { ($0, "dl", 300.0) }
        try World(models: [.init(id: "a", country: "CN", released: "2024-06-01", observations: a),
                           .init(id: "b", country: "US", released: "2024-06-01", observations: [("2025-01-30", "dl", 300)])]).load(into: box)
        let result = try shares(box, metric: "dl", from: "2025-01-01", to: "2025-01-30")
        #expect(close(result["a"]?.value ?? 0, 300) && close(result["b"]?.value ?? 0, 300), "\(result)")
        let byCountry = try box.owl("query", "download-share", "--metric", "dl", "--from", "2025-01-01", "--to", "2025-01-30", "--format", "csv")
        let rows = parseCSV(byCountry.stdout).dropFirst().map { [$0[0], $0[2]] }
        #expect(rows == [["CN", "50"], ["US", "50"]], "\(byCountry.stdout)")
    }

    // 3. Released 2024-01-01, one observation 2025-01-31 = 3100 (W = 30: Jan 2–31, 103.33 a day);
    //    Jan 16–31 → 16 × 3100 / 30 = 1653.33.
    @Test func aRangeStartingMidSpan() throws {
        let box = try Sandbox()
        try World(models: [.init(id: "m", country: "US", released: "2024-01-01", observations: [("2025-01-31", "dl", 3100)])]).load(into: box)
        let result = try shares(box, metric: "dl", from: "2025-01-16", to: "2025-01-31")
        #expect(close(result["m"]?.value ?? 0, 16.0 * 3100 / 30), "\(result)")
        #expect(String(format: "%.2f", result["m"]?.value ?? 0) == "1653.33")
    }

    // 4. Cumulative, released 2025-01-01: Jan 11 = 100, Jan 21 = 300, Jan 31 = 250.
    //    Jan 1–31 → 250; Jan 12–21 → 200; Jan 1–5 → 100 × 5/11 = 45.45; February → 0, coverage 0%.
    @Test func aCumulativeSeriesWithADecrease() throws {
        let box = try Sandbox()
        try World(models: [.init(id: "m", country: "US", released: "2025-01-01",
                                 observations: [("2025-01-11", "likes", 100), ("2025-01-21", "likes", 300), ("2025-01-31", "likes", 250)])]).load(into: box)
        #expect(close(try shares(box, metric: "likes", from: "2025-01-01", to: "2025-01-31")["m"]?.value ?? 0, 250))
        #expect(close(try shares(box, metric: "likes", from: "2025-01-12", to: "2025-01-21")["m"]?.value ?? 0, 200))
        #expect(close(try shares(box, metric: "likes", from: "2025-01-01", to: "2025-01-05")["m"]?.value ?? 0, 500.0 / 11))
        let february = try shares(box, metric: "likes", from: "2025-02-01", to: "2025-02-28")
        #expect(february["m"]?.value == 0 && february["m"]?.coverage == 0, "\(february)")
        // The decreasing step is reported, and so is the lack of coverage.
        let run = try box.owl("query", "download-share", "--metric", "likes", "--from", "2025-01-01", "--to", "2025-02-28", "--format", "csv")
        #expect(run.stderr.contains("1 observations of likes are below the one before"), "\(run.stderr)")
        #expect(run.stderr.contains("coverage is below 95%") && run.stderr.contains("owl query coverage --metric likes"), "\(run.stderr)")
    }

    // 5. Cumulative, released 2025-03-10, first observation later: May 5 = 5000, Jun 5 = 6000.
    //    The curve runs from (Mar 9, 0): 5000 over 57 days, then 1000 over 31 days.
    //    2025 → 6000; Mar 22 × 5000/57 = 1929.82, Apr 30 × 5000/57 = 2631.58,
    //    May 5 × 5000/57 + 26 × 1000/31 = 1277.31, Jun 5 × 1000/31 = 161.29 (sum 6000).
    @Test func aCumulativeSeriesByMonth() throws {
        let box = try Sandbox()
        try World(models: [.init(id: "m", country: "US", released: "2025-03-10",
                                 observations: [("2025-05-05", "likes", 5000), ("2025-06-05", "likes", 6000)])]).load(into: box)
        #expect(close(try shares(box, metric: "likes", from: "2025-01-01", to: "2025-12-31")["m"]?.value ?? 0, 6000))
        let months = try shares(box, metric: "likes", from: "2025-03-01", to: "2025-06-30", period: "month")
        let expected = ["2025-03": 22 * 5000.0 / 57, "2025-04": 30 * 5000.0 / 57, "2025-05": 5 * 5000.0 / 57 + 26 * 1000.0 / 31, "2025-06": 5 * 1000.0 / 31]
        for (month, value) in expected {
            #expect(close(months["\(month) m"]?.value ?? .nan, value), "\(month): \(months)")
        }
        #expect(String(format: "%.2f %.2f %.2f %.2f", expected["2025-03"]!, expected["2025-04"]!, expected["2025-05"]!, expected["2025-06"]!)
                == "1929.82 2631.58 1277.31 161.29")
    }
}

@Suite struct MeasureBehaviourTests {
    // A range that starts on a cumulative series' first observation and ends on its last, both
    // inside months: there is no observation before the range or after it to read. Released
    // 2025-01-01: Jan 10 = 100 (10 a day Jan 1–10), Jan 20 = 300 (20 a day Jan 11–20).
    // Jan 10–15 → 10 + 5 × 20 = 110; Jan 10–20 → 210; Jan 10 – Feb 20 → 210.
    @Test func aRangeFromTheFirstObservationToTheLast() throws {
        let box = try Sandbox()
        try World(models: [.init(id: "m", country: "US", released: "2025-01-01",
                                 observations: [("2025-01-10", "likes", 100), ("2025-01-20", "likes", 300)])]).load(into: box)
        #expect(close(try shares(box, metric: "likes", from: "2025-01-10", to: "2025-01-15")["m"]?.value ?? 0, 110))
        #expect(close(try shares(box, metric: "likes", from: "2025-01-10", to: "2025-01-20")["m"]?.value ?? 0, 210))
        #expect(close(try shares(box, metric: "likes", from: "2025-01-10", to: "2025-02-20")["m"]?.value ?? 0, 210))
    }

    // Loading the older half of a daily series after the newer half changes its neighbours'
    // spans: the result is the same as an in-order load (example 1's 3000).
    @Test func anOutOfOrderLoadGivesTheSameAmounts() throws {
        let box = try Sandbox()
        let daily = dates(from: "2025-01-01", every: 1, count: 30).enumerated().map { ($1, "dl", 100.0 * Double($0 + 1)) }
        try World(models: [.init(id: "daily", country: "US", released: "2025-01-01", observations: daily)]).load(into: box, splitAt: 15)
        let result = try shares(box, metric: "dl", from: "2025-01-01", to: "2025-01-30")
        #expect(close(result["daily"]?.value ?? 0, 3000), "\(result)")
        #expect(result["daily"]?.coverage == 100)
    }

    // A model whose release date is after its first observation: that observation counts over
    // a full window (3000 / 30 a day over Dec 3 – Jan 1) and the note says so.
    @Test func anObservationBeforeTheReleaseDate() throws {
        let box = try Sandbox()
        try World(models: [.init(id: "m", country: "US", released: "2025-01-10", observations: [("2025-01-01", "dl", 3000)])]).load(into: box)
        let run = try box.owl("query", "download-share", "--metric", "dl", "--from", "2024-12-18", "--to", "2025-01-01", "--by", "organization", "--format", "csv")
        #expect(close(Double(parseCSV(run.stdout).dropFirst().first?[1] ?? "") ?? 0, 1500), "\(run.stdout)")
        #expect(run.stderr.contains("1 observations of dl are dated before their model's release date"), "\(run.stderr)")
    }

    // A cumulative series observed before its release, over a range that ends before the
    // release: the curve starts at its first observation (Mar 5 = 100, from (Mar 4, 0)), then
    // 60 over Mar 6 – Mar 31. Feb 10 – Mar 10 holds 100 + 5 × 60/26 = 111.54, although the
    // model is released on Mar 20, after the range (a partial month read from the observations).
    @Test func aCumulativeSeriesObservedBeforeItsReleaseInARangeEndingBeforeIt() throws {
        let box = try Sandbox()
        try World(models: [.init(id: "m", country: "US", released: "2025-03-20",
                                 observations: [("2025-03-05", "likes", 100), ("2025-03-31", "likes", 160)])]).load(into: box)
        let result = try shares(box, metric: "likes", from: "2025-02-10", to: "2025-03-10")
        #expect(close(result["m"]?.value ?? 0, 100 + 5 * 60.0 / 26), "\(result)")
        #expect(String(format: "%.2f", 100 + 5 * 60.0 / 26) == "111.54")
    }

    // --fill-gaps credits uncovered days at the model's mean daily rate over its covered days:
    // one weekly snapshot of 700 (released long before) covers 7 of January's 31 days at 100 a
    // day → 3100; without it 700 and 22.58% coverage.
    @Test func fillGapsCreditsUncoveredDays() throws {
        let box = try Sandbox()
        var world = World(models: [.init(id: "m", country: "US", released: "2024-01-01", observations: [("2025-01-20", "dl", 700)])])
        world.window = 7
        try world.load(into: box)
        let plain = try shares(box, metric: "dl", from: "2025-01-01", to: "2025-01-31")
        #expect(close(plain["m"]?.value ?? 0, 700) && plain["m"]?.coverage == 22.58, "\(plain)")
        let filled = try shares(box, metric: "dl", from: "2025-01-01", to: "2025-01-31", extra: ["--fill-gaps"])
        #expect(close(filled["m"]?.value ?? 0, 3100), "\(filled)")
        let run = try box.owl("query", "concentration", "--metric", "dl", "--from", "2025-01-01", "--to", "2025-01-31", "--fill-gaps", "--format", "csv")
        #expect(run.stderr.contains("gaps filled"), "\(run.stderr)")
    }

    // coverage lists model-days and covered days: example 4's model over January and February
    // has 59 days from release, 31 covered (release to the last observation).
    @Test func coverageCountsModelDays() throws {
        let box = try Sandbox()
        try World(models: [.init(id: "m", country: "US", released: "2025-01-01",
                                 observations: [("2025-01-11", "likes", 100), ("2025-01-31", "likes", 250)])]).load(into: box)
        let run = try box.owl("query", "coverage", "--metric", "likes", "--from", "2025-01-01", "--to", "2025-02-28", "--format", "csv")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(parseCSV(run.stdout) == [["group", "models", "model_days", "covered_days", "coverage_pct"], ["m/m", "1", "59", "31", "52.54"]])
    }

    // --top N keeps the N groups largest over the whole range, the same in every period, and
    // the rest as other, last in each period.
    @Test func topGroupsAreTheSameInEveryPeriod() throws {
        let box = try Sandbox()
        // Monthly 30-day snapshots: big leads in January, small in February; tiny always.
        try World(models: [
            .init(id: "big", country: "US", released: "2024-01-01", observations: [("2025-01-31", "dl", 3000), ("2025-03-02", "dl", 300)]),
            .init(id: "small", country: "CN", released: "2024-01-01", observations: [("2025-01-31", "dl", 300), ("2025-03-02", "dl", 2000)]),
            .init(id: "tiny", country: "FR", released: "2024-01-01", observations: [("2025-01-31", "dl", 30), ("2025-03-02", "dl", 30)]),
        ]).load(into: box)
        let run = try box.owl("query", "download-share", "--metric", "dl", "--by", "organization", "--from", "2025-01-01", "--to", "2025-02-28",
                              "--period", "month", "--top", "1", "--format", "csv")
        let rows = parseCSV(run.stdout)
        #expect(rows.first == ["period", "group", "value", "share_pct", "models", "coverage_pct"])
        // Over both months big has 3000 + 28 × 10 = 3280, small 300 + 28 × 2000/30 = 2166.67: big is the top group.
        #expect(rows.dropFirst().map { [$0[0], $0[1]] } == [["2025-01", "big"], ["2025-01", "other"], ["2025-02", "big"], ["2025-02", "other"]],
                "\(run.stdout)")
    }
}

/// Random observation sets through owl against a day-by-day reference implementation.
@Suite struct MeasurePropertyTests {
    /// A random model's release day and its observations of `dl` and `likes`.
    typealias Series = (release: Int, dl: [(day: Int, value: Double)], likes: [(day: Int, value: Double)])

    /// The amount credited to each day and whether it is covered, straight from the
    /// definition's words, one day at a time.
    private static func reference(release r: Int, observations: [(day: Int, value: Double)], window: Int?,
                                  from: Int, to: Int) -> (amount: Double, covered: Int, modelDays: Int) {
        let sorted = observations.sorted { $0.day < $1.day }
        var amount = 0.0, covered = 0
        for t in from...max(from, to) where t <= to {
            var credited: Double?
            if let w = window {
                // The first observation on or after t whose span (max(d_{i−1}, d_i − W, r − 1), d_i] holds t.
                if let i = sorted.firstIndex(where: { $0.day >= t }) {
                    let d = sorted[i].day
                    let consistent = r <= d
                    var lower = d - w
                    if i > 0 { lower = max(lower, sorted[i - 1].day) }
                    if consistent { lower = max(lower, r - 1) }
                    if t > lower { credited = sorted[i].value / Double(consistent ? min(w, d - r + 1) : w) }
                }
            } else {
                // C(t) − C(t − 1) for the piecewise-linear running total from (r − 1, 0).
                let origin = (day: min(r, sorted[0].day) - 1, value: 0.0)
                let points = [origin] + sorted
                func curve(_ x: Int) -> Double {
                    if x <= points[0].day { return 0 }
                    if x >= points.last!.day { return points.last!.value }
                    let j = points.firstIndex { $0.day >= x }!
                    let a = points[j - 1], b = points[j]
                    return a.value + (b.value - a.value) * Double(x - a.day) / Double(b.day - a.day)
                }
                if t <= points.last!.day { credited = curve(t) - curve(t - 1) }
            }
            if let credited {
                amount += credited
                if t >= r { covered += 1 }
            }
        }
        return (amount, covered, max(0, to - max(r, from) + 1))
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomSeriesAgreeWithTheReference(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let box = try Sandbox()
        var world = World(models: [])
        world.window = [7, 30][Int(random.next() % 2)]
        let base = dayNumber("2024-10-01")
        var series: [String: Series] = [:]
        for index in 0..<4 {
            let release = base + Int(random.next() % 200)
            // Daily, weekly, monthly or irregular snapshots; sometimes starting before the release.
            let step = [1, 7, 30, 0][Int(random.next() % 4)]
            var day = release - Int(random.next() % 5) + Int(random.next() % 40)
            var dl: [(Int, Double)] = [], likes: [(Int, Double)] = [], total = 0.0
            while day < base + 400 && dl.count < 60 {
                dl.append((day, Double(random.next() % 100_000)))
                total += Double(random.next() % 500) - (random.next() % 7 == 0 ? 700 : 0)
                likes.append((day, max(0, total)))
                day += step == 0 ? 1 + Int(random.next() % 45) : step
            }
            let id = "m\(index)"
            series[id] = (release, dl, likes)
            let releaseText = day0(release)
            world.models.append(.init(id: id, country: "US", released: releaseText,
                                      observations: dl.map { (day0($0.0), "dl", $0.1) } + likes.map { (day0($0.0), "likes", $0.1) }))
        }
        try world.load(into: box, splitAt: Int(random.next() % 80), olderFirst: random.next() % 2 == 0)
        try expectLeaderboardsAgree(box, series: series, seed: seed, random: &random)
        for _ in 0..<3 {
            // Ranges of a few days to two years: some cut months, some hold whole years.
            let from = base + Int(random.next() % 300), to = from + Int(random.next() % 700)
            let period = ["month", "quarter", "year", nil][Int(random.next() % 4)]
            for metric in ["dl", "likes"] {
                let got = try shares(box, metric: metric, from: day0(from), to: day0(to), period: period)
                let coverage = try box.run(["query", "coverage", "--metric", metric, "--from", day0(from), "--to", day0(to), "--format", "csv"])
                let coverageRows = Dictionary(uniqueKeysWithValues: parseCSV(coverage.stdout).dropFirst().map { ($0[0], ($0[2], $0[3])) })
                for (id, data) in series {
                    let observations = metric == "dl" ? data.dl : data.likes
                    guard !observations.isEmpty else { continue }
                    // Per period: the reference over the period's days inside the range.
                    for (label, start, end) in periods(from: from, to: to, period: period) {
                        let want = Self.reference(release: data.release, observations: observations,
                                                  window: metric == "dl" ? world.window : nil, from: start, to: end)
                        let key = (period == nil ? "" : label + " ") + id
                        if want.modelDays == 0 { continue }
                        let value = got[key]?.value ?? .nan
                        #expect(close(value, want.amount), "seed \(seed) \(metric) \(key) \(day0(start))…\(day0(end)): owl \(value), reference \(want.amount)")
                    }
                    let whole = Self.reference(release: data.release, observations: observations,
                                               window: metric == "dl" ? world.window : nil, from: from, to: to)
                    if whole.modelDays > 0 {
                        #expect(coverageRows["\(id)/m"].map { [$0.0, $0.1] } == [String(whole.modelDays), String(whole.covered)],
                                "seed \(seed) \(metric) \(id) coverage: owl \(String(describing: coverageRows["\(id)/m"])), reference \(whole.modelDays) \(whole.covered)")
                    }
                }
            }
        }
    }

    /// The likes leaderboard as of days around the observations (each one, the day before, the
    /// months' first and last days, random days) gives each model its latest value on or before
    /// the day, as the reference finds it in the observations.
    private func expectLeaderboardsAgree(_ box: Sandbox, series: [String: Series], seed: UInt64, random: inout SeededRandom) throws {
        let observed = series.values.flatMap { $0.likes.map(\.day) }
        guard let first = observed.min(), let last = observed.max() else { return }
        var days: Set<Int> = []
        for _ in 0..<4 {
            let some = observed[Int(random.next() % UInt64(observed.count))]
            days.formUnion([some, some - 1, some + 1])
        }
        for _ in 0..<4 { days.insert(first - 3 + Int(random.next() % UInt64(last - first + 7))) }
        for _ in 0..<3 {
            let month = day0(first + Int(random.next() % UInt64(last - first + 1))).prefix(7)
            let monthStart = dayNumber(month + "-01")
            days.formUnion([monthStart, monthStart - 1, monthStart + 14])
        }
        for asOf in days.sorted() {
            let (run, table) = try box.analysisCSV("leaderboard", "--metric", "likes", "--as-of", day0(asOf), "--limit", "100")
            #expect(run.status == 0, "\(run.stderr)")
            let model = table.first?.firstIndex(of: "model") ?? 0, value = table.first?.firstIndex(of: "value") ?? 0
            let got = Dictionary(uniqueKeysWithValues: table.dropFirst().map { ($0[model], Double($0[value]) ?? .nan) })
            var want: [String: Double] = [:]
            for (id, data) in series {
                if let latest = data.likes.filter({ $0.day <= asOf }).max(by: { $0.day < $1.day }) { want[id + "/m"] = latest.value }
            }
            #expect(got == want, "seed \(seed), likes as of \(day0(asOf)): owl \(got), reference \(want)")
        }
    }

    private func day0(_ number: Int) -> String { day("1970-01-01", plus: number) }

    /// The periods of a range as (label, first day, last day), cut to the range.
    private func periods(from: Int, to: Int, period: String?) -> [(String, Int, Int)] {
        guard let period else { return [("all", from, to)] }
        var result: [(String, Int, Int)] = []
        var current: (String, Int, Int)?
        for t in from...to {
            let text = day0(t)
            let month = Int(text.dropFirst(5).prefix(2))!
            let label = period == "month" ? String(text.prefix(7))
                : period == "quarter" ? "\(text.prefix(4))-Q\((month + 2) / 3)" : String(text.prefix(4))
            if current?.0 == label { current!.2 = t } else {
                if let current { result.append(current) }
                current = (label, t, t)
            }
        }
        if let current { result.append(current) }
        return result
    }
}
