import SQLiteDB

/// The SQL aggregates through which analyses credit the partial months at a range's edges
/// under `MetricSpan`, owl's one definition, so the SQL does not restate it:
///
///     owl_partial_amount(window_days, release, first_day, last_day, day, value)
///     owl_partial_covered_days(window_days, release, first_day, last_day, day, value)
///
/// Over one model's observations (day numbers, any order): what they credit to the days
/// first_day … last_day, and how many of those days on or after the release they cover.
/// window_days is NULL for a cumulative metric. The rows must be every observation whose span
/// can reach those days and, for a cumulative metric, the one before them (its span starts
/// at its predecessor). A window metric's first row is taken to have no predecessor: a real
/// one before first_day would only end its span before first_day, where it is clipped anyway.
final class PartialCredit: SQLAggregate {
    enum Measure {
        case amount, coveredDays
    }

    /// Defines both aggregates on a connection (Analysis does before preparing its SQL).
    static func define(on db: Database) throws {
        try db.defineAggregate("owl_partial_amount", argumentCount: 6) { PartialCredit(.amount) }
        try db.defineAggregate("owl_partial_covered_days", argumentCount: 6) { PartialCredit(.coveredDays) }
    }

    private let measure: Measure
    private var shape = MetricSpan.Shape.cumulative
    private var release = 0, firstDay = 0, lastDay = 0
    private var points: [MetricSpan.Point] = []

    init(_ measure: Measure) {
        self.measure = measure
    }

    func step(_ arguments: AggregateArguments) {
        if points.isEmpty {
            shape = arguments.isNull(0) ? .cumulative : .window(days: Int(arguments.int64(0)))
            release = Int(arguments.int64(1))
            firstDay = Int(arguments.int64(2))
            lastDay = Int(arguments.int64(3))
        }
        points.append(MetricSpan.Point(day: Int(arguments.int64(4)), value: arguments.double(5)))
    }

    func result() -> SQLValue {
        points.sort { $0.day < $1.day }
        var amount = 0.0, coveredDays = 0
        var previous: MetricSpan.Point?
        for point in points {
            let span = MetricSpan(shape: shape, release: release, previous: previous, current: point)
            let from = max(span.start, firstDay), to = min(span.end, lastDay)
            if from <= to {
                amount += span.rate * Double(to - from + 1)
                coveredDays += max(0, to - max(from, release) + 1)
            }
            previous = point
        }
        switch measure {
        case .amount: return .real(amount)
        case .coveredDays: return .integer(Int64(coveredDays))
        }
    }
}
