import SQLiteDB

/// Keeps `observation_latest` (Migrations/0002) and `observation_months` (Migrations/0003) in
/// step with the observations one file writes, in the same transaction.
///
/// observation_months caches owl's definition of a metric's amount per calendar month
/// (`MetricSpan`). Rows arrive grouped by model and in
/// date order in practice, so a model's run of new observations is credited as it streams
/// (by `BackgroundMonthTotals`, on a thread of its own) and written once when the run ends. A
/// series that comes back in a later run of the file continues from what its earlier run
/// wrote, as a later file would. A model whose new observations come out of order, are older
/// than its stored ones, or replace stored ones is recomputed from the table at the end of the
/// file instead, since one observation changes its neighbours' spans.
///
/// Nothing is kept per model or per series beyond the current run (only the series to
/// recompute), so memory stays flat however many models a file holds.
final class ObservationSummaries {
    struct Pair: Hashable {
        let metric: Int64, model: Int64
    }

    private let db: Database
    private var shapes: [Int64: MetricSpan.Shape?] = [:]

    /// The run being credited: its pair, its last observation, whether it has months (a score
    /// has none).
    private var run: Pair?
    private var previous: MetricSpan.Point?
    private var runHasMonths = false
    private var latest: (day: Int, value: Double)?
    /// The run's first observation: a new series' first.
    private var first: Int?
    /// What the run's model's row says: its release day, and its organization (nil for a
    /// stub). Read once per model: one model's series of several metrics come one after
    /// another.
    private var model: (key: Int64, release: Int, organization: String?)?

    private var dirty: Set<Pair> = []
    private let monthTotals = BackgroundMonthTotals()
    /// Events gathered for `monthTotals`, handed over a batch at a time.
    private var events: [BackgroundMonthTotals.Event] = []
    private static let eventsPerBatch = 8192

    init(db: Database) {
        self.db = db
        events.reserveCapacity(Self.eventsPerBatch)
    }

    /// Notes one written observation; `day` is its day number (`CivilDay`).
    func record(metric: Int64, model: Int64, day: Int, value: Double, outcome: RowWriter.Outcome) throws {
        let pair = Pair(metric: metric, model: model)
        switch outcome {
        case .unchanged:
            return
        case .updated:
            dirty.insert(pair)
        case .inserted:
            if !dirty.isEmpty && dirty.contains(pair) { return }  // a first load has none: no hashing per row
            if pair != run {
                try closeRun()
                try startRun(pair)
            }
            if let last = previous, day <= last.day {
                // Older than what is stored, or out of order: the neighbours' spans change.
                dirty.insert(pair)
                run = nil
                return
            }
            latest = (day, value)
            if first == nil { first = day }
            let point = MetricSpan.Point(day: day, value: value)
            if runHasMonths {
                events.append(.point(point))
                if events.count >= Self.eventsPerBatch { try handOver() }
            }
            previous = point
        }
    }

    private func startRun(_ pair: Pair) throws {
        run = pair
        latest = nil
        first = nil
        let stored = try db.cachedStatement("SELECT observed_on, value FROM observation_latest WHERE metric = ? AND model = ?")
        try stored.bind([pair.metric, pair.model])
        defer { stored.reset() }
        if try stored.step(), let date = stored.string(at: 0) {
            previous = MetricSpan.Point(day: CivilDay.number(date), value: stored.double(at: 1))
        } else {
            previous = nil
        }
        let shape = try shape(of: pair.metric)
        runHasMonths = shape != nil
        if let shape {
            let facts = try facts(of: pair.model)
            events.append(.start(.init(metric: pair.metric, model: pair.model, shape: shape, release: facts.release,
                                       previous: previous, organization: facts.organization)))
        }
    }

    /// Ends the run: its months are credited (added to stored ones when it extends a series)
    /// and its latest value written.
    private func closeRun() throws {
        guard let pair = run, let latest else { run = nil; return }
        run = nil
        guard !dirty.contains(pair) else { return }
        if runHasMonths { events.append(.end) }
        // A run that extends a stored series keeps the series' first date (the run is newer).
        let newer = try db.cachedStatement("""
            INSERT INTO observation_latest (metric, model, observed_on, value, first_observed) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (metric, model) DO UPDATE SET observed_on = excluded.observed_on, value = excluded.value
            WHERE excluded.observed_on > observed_on
            """)
        try newer.run([pair.metric, pair.model, CivilDay.text(latest.day), latest.value, CivilDay.text(first ?? latest.day)])
    }

    /// Hands the events gathered to `monthTotals`, and writes what the batch before produced.
    private func handOver() throws {
        let outputs = monthTotals.submit(events)
        events.removeAll(keepingCapacity: true)
        try write(outputs)
    }

    private func write(_ outputs: [BackgroundMonthTotals.Output]) throws {
        for output in outputs {
            switch output {
            case .months(let rows): try rows.write(in: db)
            case .organizations(var sums): try sums.write(in: db)
            }
        }
    }

    private func shape(of metric: Int64) throws -> MetricSpan.Shape? {
        if let known = shapes[metric] { return known }
        let shape = try Self.shape(of: metric, in: db)
        shapes[metric] = shape
        return shape
    }

    static func shape(of metric: Int64, in db: Database) throws -> MetricSpan.Shape? {
        let row = try db.rows("SELECT kind, window_days FROM metrics WHERE key = ?", [metric]).first
        switch row?[0].textValue {
        case "window": return .window(days: Int(row?[1].integerValue ?? 1))
        case "cumulative": return .cumulative
        default: return nil  // a score is never an amount
        }
    }

    private func facts(of key: Int64) throws -> (key: Int64, release: Int, organization: String?) {
        if let model, model.key == key { return model }
        let facts = try Self.facts(of: key, in: db)
        model = facts
        return facts
    }

    /// A model's release day and organization (nil for a stub, or a key models lacks).
    static func facts(of key: Int64, in db: Database) throws -> (key: Int64, release: Int, organization: String?) {
        let lookup = try db.cachedStatement("SELECT released_on, organization, stub FROM models WHERE key = ?")
        try lookup.bind([key])
        defer { lookup.reset() }
        guard try lookup.step() else { return (key, CivilDay.number(""), nil) }
        return (key, CivilDay.number(lookup.string(at: 0) ?? ""), lookup.int64(at: 2) == 0 ? lookup.string(at: 1) : nil)
    }

    static func release(of model: Int64, in db: Database) throws -> Int {
        try facts(of: model, in: db).release
    }

    /// Writes what this file changed and has not been written yet: the last run, and every
    /// pair that must be recomputed from its observations.
    func flush() throws {
        try closeRun()
        try handOver()
        try write(monthTotals.finish())
        for metric in Set(dirty.map(\.metric)) {
            try Self.recompute(metric: metric, models: dirty.filter { $0.metric == metric }.map(\.model), in: db)
        }
        dirty.removeAll()
    }

    /// The summaries of some models' series of one metric, from their observations.
    static func recompute(metric: Int64, models: [Int64], in db: Database) throws {
        guard !models.isEmpty else { return }
        let list = "[" + models.map(String.init).joined(separator: ",") + "]"
        // One pass over the metric's months for all the models (month is the key's second column).
        try OrganizationMonths.apply(sign: -1, metric: metric, modelList: list, in: db)
        try db.run("DELETE FROM observation_months WHERE metric = ? AND model IN (SELECT value FROM json_each(?))", [metric, list])
        try db.run("DELETE FROM observation_years WHERE metric = ? AND model IN (SELECT value FROM json_each(?))", [metric, list])
        try db.run("DELETE FROM observation_latest WHERE metric = ? AND model IN (SELECT value FROM json_each(?))", [metric, list])
        let shape = try shape(of: metric, in: db)
        let read = try db.cachedStatement("SELECT observed_day, value FROM observations WHERE model = ? AND metric = ? ORDER BY observed_day")
        var pending = PendingMonthRows()
        for model in models {
            try read.bind([model, metric])
            defer { read.reset() }
            let release = try release(of: model, in: db)
            var rows: [MetricSpan.Point] = []
            while try read.step() { rows.append(MetricSpan.Point(day: Int(read.int64(at: 0)), value: read.double(at: 1))) }
            try write(rows, metric: metric, model: model, shape: shape, release: release, months: &pending, in: db)
        }
        try pending.write(in: db)
        try OrganizationMonths.apply(sign: 1, metric: metric, modelList: list, in: db)
    }

    /// Writes one pair's summaries from its observations in date order.
    private static func write(_ rows: [MetricSpan.Point], metric: Int64, model: Int64,
                              shape: MetricSpan.Shape?, release: Int, months pending: inout PendingMonthRows,
                              in db: Database) throws {
        guard let last = rows.last else { return }
        if let shape {
            var months = MonthTotals()
            var previous: MetricSpan.Point?
            for point in rows {
                months.add(MetricSpan(shape: shape, release: release, previous: previous, current: point))
                previous = point
            }
            try pending.add(months.rows, metric: metric, model: model, in: db)
        }
        try db.run("INSERT INTO observation_latest (metric, model, observed_on, value, first_observed) VALUES (?, ?, ?, ?, ?)",
                   [metric, model, CivilDay.text(last.day), last.value, CivilDay.text(rows[0].day)])
    }

    /// The summary tables rebuilt from every observation (after another tool wrote observations, or
    /// a migration changed what they hold).
    static func rebuild(in db: Database) throws {
        try db.transaction {
            try db.execute("DELETE FROM observation_latest; DELETE FROM observation_months; DELETE FROM observation_years;")
            let read = try db.prepare("SELECT metric, model, observed_day, value FROM observations ORDER BY metric, model, observed_day")
            var pair: Pair?
            var rows: [MetricSpan.Point] = []
            var shapes: [Int64: MetricSpan.Shape?] = [:]
            var pending = PendingMonthRows()
            func finish() throws {
                guard let pair else { return }
                let metricShape: MetricSpan.Shape?
                if let known = shapes[pair.metric] {
                    metricShape = known
                } else {
                    metricShape = try shape(of: pair.metric, in: db)
                    shapes[pair.metric] = .some(metricShape)
                }
                try write(rows, metric: pair.metric, model: pair.model, shape: metricShape,
                          release: try release(of: pair.model, in: db), months: &pending, in: db)
            }
            while try read.step() {
                let current = Pair(metric: read.int64(at: 0), model: read.int64(at: 1))
                if current != pair {
                    try finish()
                    pair = current
                    rows.removeAll(keepingCapacity: true)
                }
                rows.append(MetricSpan.Point(day: Int(read.int64(at: 2)), value: read.double(at: 3)))
            }
            try finish()
            try pending.write(in: db)
            try OrganizationMonths.rebuild(in: db)
        }
    }
}

/// observation_months rows waiting to be written, with the sums of their years
/// (observation_years), written in each table's key order (metric, month or year, model). A
/// series' months lie in as many slices of the table as it has months, so writing each
/// series as it ends visits pages all over the table (at 10x, more than SQLite's cache
/// holds); a batch sorted by key appends to each slice in one pass. Bounded, so memory stays
/// flat. A row may add to a stored one: a series a later run or file extends.
struct PendingMonthRows {
    /// In the order added, which for one key is the order of its series' runs.
    private var rows: [(metric: Int64, model: Int64, month: MonthTotals.Row)] = []
    private let limit: Int

    init(limit: Int = 65_536) {
        self.limit = limit
    }

    /// Adds a series' months. When they would pass the bound, the rows held before are
    /// returned first, sorted, for the caller to write.
    mutating func adding(_ months: [MonthTotals.Row], metric: Int64, model: Int64) -> SortedMonthRows? {
        let full = rows.count + months.count > limit ? sorted() : nil
        for month in months { rows.append((metric, model, month)) }
        return full
    }

    /// Adds a series' months, writing the batch first when it is full.
    mutating func add(_ months: [MonthTotals.Row], metric: Int64, model: Int64, in db: Database) throws {
        try adding(months, metric: metric, model: model)?.write(in: db)
    }

    mutating func write(in db: Database) throws {
        try sorted().write(in: db)
    }

    private struct YearKey: Hashable, Comparable {
        let metric: Int64, year: Int, model: Int64
        static func < (a: YearKey, b: YearKey) -> Bool { (a.metric, a.year, a.model) < (b.metric, b.year, b.model) }
    }

    /// The rows held, in key order, with their years' sums; empties the batch.
    mutating func sorted() -> SortedMonthRows {
        // A key's rows keep the order they were added in (the sort is stable), so a later run of
        // a series meets its earlier one as the newer: see `merge`. The positions are sorted, not
        // the rows, which are large to move; each row is then copied once, into key order.
        let order = rows.indices.sorted {
            (rows[$0].metric, rows[$0].month.index, rows[$0].model) < (rows[$1].metric, rows[$1].month.index, rows[$1].model)
        }
        let months = order.map { rows[$0] }
        // Each year holds the sum of its months.
        var years: [YearKey: (text: Substring, amount: Double, coveredDays: Int)] = [:]
        for (metric, model, month) in rows {
            let key = YearKey(metric: metric, year: month.index / 12, model: model)
            var sums = years[key] ?? (month.month.prefix(4), 0, 0)
            sums.amount += month.amount
            sums.coveredDays += month.coveredDays
            years[key] = sums
        }
        rows.removeAll(keepingCapacity: true)
        return SortedMonthRows(months: months, years: years.sorted { $0.key < $1.key }.map {
            (metric: $0.key.metric, model: $0.key.model, year: String($0.value.text), amount: $0.value.amount, coveredDays: $0.value.coveredDays)
        })
    }
}

/// A batch of month rows and their years' sums, in each table's key order, ready to write.
struct SortedMonthRows {
    let months: [(metric: Int64, model: Int64, month: MonthTotals.Row)]
    let years: [(metric: Int64, model: Int64, year: String, amount: Double, coveredDays: Int)]

    func write(in db: Database) throws {
        guard !months.isEmpty else { return }
        try Self.addRows(months.count, to: "observation_months",
                         columns: ["metric", "model", "month", "amount", "covered_days", "decreases", "early",
                                   "start_value", "end_value", "first_day", "last_day"],
                         key: ["metric", "month", "model"], merge: Self.newerRunMerge, in: db) { statement, index, first in
            let (metric, model, month) = months[index]
            try statement.bind(.integer(metric), at: first)
            try statement.bind(.integer(model), at: first + 1)
            try statement.bind(.text(month.month), at: first + 2)
            try statement.bind(.real(month.amount), at: first + 3)
            try statement.bind(.integer(Int64(month.coveredDays)), at: first + 4)
            try statement.bind(.integer(Int64(month.decreases)), at: first + 5)
            try statement.bind(.integer(Int64(month.early)), at: first + 6)
            try statement.bind(month.startValue.map { .real($0) } ?? .null, at: first + 7)
            try statement.bind(month.endValue.map { .real($0) } ?? .null, at: first + 8)
            try statement.bind(month.firstDay.map { .integer(Int64($0)) } ?? .null, at: first + 9)
            try statement.bind(month.lastDay.map { .integer(Int64($0)) } ?? .null, at: first + 10)
        }
        try Self.addRows(years.count, to: "observation_years", columns: ["metric", "model", "year", "amount", "covered_days"],
                         key: ["metric", "year", "model"], in: db) { statement, index, first in
            let row = years[index]
            try statement.bind(.integer(row.metric), at: first)
            try statement.bind(.integer(row.model), at: first + 1)
            try statement.bind(.text(row.year), at: first + 2)
            try statement.bind(.real(row.amount), at: first + 3)
            try statement.bind(.integer(Int64(row.coveredDays)), at: first + 4)
        }
    }

    /// How a month row of a series' later run (`excluded`: its observations are all newer)
    /// combines with the stored one: where the series stands when the month starts, and its
    /// first observation in the month, are the older run's; where it stands at the month's end,
    /// and its last observation, the newer run's.
    static let newerRunMerge = [
        "start_value": "coalesce(start_value, excluded.start_value)",
        "end_value": "coalesce(excluded.end_value, end_value)",
        "first_day": "coalesce(first_day, excluded.first_day)",
        "last_day": "coalesce(excluded.last_day, last_day)",
    ]

    /// Writes `count` rows, 32 to a statement (SQLite's fixed cost per run is paid once per
    /// group). Every column after the key's adds to a stored row with the same key, unless
    /// `merge` gives its expression; a key given twice in one statement merges too (the
    /// second row meets the first as a conflict). `bind` puts row i's columns from parameter
    /// `first` on.
    private static func addRows(_ count: Int, to table: String, columns: [String], key: [String], merge: [String: String] = [:],
                                in db: Database, bind: (Statement, _ index: Int, _ first: Int32) throws -> Void) throws {
        let rowsPerStatement = 32
        func sql(rows: Int) -> String {
            let sums = columns.filter { !key.contains($0) }.map { "\($0) = \(merge[$0] ?? "\($0) + excluded.\($0)")" }
            return """
                INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(RowWriter.valuesRows(rows, columns: columns.count))
                ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(sums.joined(separator: ", "))
                """
        }
        let group = try db.cachedStatement(sql(rows: rowsPerStatement))
        let single = try db.cachedStatement(sql(rows: 1))
        var start = 0
        while start < count {
            let (statement, rows) = count - start >= rowsPerStatement ? (group, rowsPerStatement) : (single, 1)
            for offset in 0..<rows { try bind(statement, start + offset, Int32(offset * columns.count + 1)) }
            try statement.run()
            start += rows
        }
    }
}

/// Per-month sums of spans that arrive in date order.
struct MonthTotals {
    struct Row {
        let month: String
        let index: Int
        var amount = 0.0, coveredDays = 0, decreases = 0, early = 0
        /// A cumulative series only (Migrations/0012): its value when the month starts and when
        /// it ends (nil before its first observation), and the days of the month of its first
        /// and last observations in it.
        var startValue: Double?, endValue: Double?, firstDay: Int?, lastDay: Int?
    }
    private(set) var rows: [Row] = []

    mutating func add(_ span: MetricSpan) {
        if span.isDecrease || span.isEarly {
            let row = position(of: CivilDay.monthIndex(span.end))
            rows[row].decreases += span.isDecrease ? 1 : 0
            rows[row].early += span.isEarly ? 1 : 0
        }
        guard span.start <= span.end else { return }
        // Month by month from the span's first: one date conversion per span, then arithmetic.
        var (year, month, _) = CivilDay.components(span.start)
        var monthStart = CivilDay.number(year: year, month: month, day: 1)
        while monthStart <= span.end {
            let (nextYear, nextMonth) = month == 12 ? (year + 1, 1) : (year, month + 1)
            let next = CivilDay.number(year: nextYear, month: nextMonth, day: 1)
            let first = max(span.start, monthStart), last = min(span.end, next - 1)
            let row = position(of: year * 12 + month - 1)
            rows[row].amount += span.rate * Double(last - first + 1)
            rows[row].coveredDays += max(0, last - max(first, span.release) + 1)
            if let level = span.level {
                // The span holds every day from the one after the previous observation: a month
                // it holds from its first day starts at the previous value. The months it passes
                // through end at that value too; its last at the observation's, which is that
                // month's latest so far.
                let isObservationsMonth = next > span.end
                if span.start <= monthStart { rows[row].startValue = level.before }
                rows[row].endValue = isObservationsMonth ? level.at : level.before
                if isObservationsMonth {
                    let dayOfMonth = span.end - monthStart + 1
                    rows[row].firstDay = rows[row].firstDay ?? dayOfMonth
                    rows[row].lastDay = dayOfMonth
                }
            }
            (year, month, monthStart) = (nextYear, nextMonth, next)
        }
    }

    /// The row of a month, kept in month order. Spans arrive in date order, so it is nearly
    /// always the last row or a new one after it.
    private mutating func position(of index: Int) -> Int {
        if let last = rows.indices.last, rows[last].index == index { return last }
        let after = (rows.lastIndex { $0.index < index } ?? -1) + 1
        if after < rows.count && rows[after].index == index { return after }
        rows.insert(Row(month: CivilDay.monthText(index), index: index), at: after)
        return after
    }
}
