/// owl's one definition of how much of a metric fell on each day (README, "Measures"), for
/// one observation: the days it is credited for and its amount per day. Ingest caches its
/// monthly sums (ObservationSummaries) and analyses credit the partial months at a range's
/// edges through it (PartialCredit); SummaryTests hold the cache to a twin written in SQL,
/// and MeasurePropertyTests hold the analyses to a day-by-day reference.
///
/// - A window metric of W days: observation i counts the days max(r, d_i − W + 1) … d_i,
///   L_i = min(W, d_i − r + 1) of them, at v_i / L_i a day, credited only for the days no
///   earlier observation covered, (max(d_{i−1}, d_i − W, r − 1), d_i]. Dated before its
///   model's release r (inconsistent data), it ignores r: L_i = W.
/// - A cumulative metric (a running total from 0 on release): linear between observations,
///   (c_i − c_{i−1}) / (d_i − d_{i−1}) a day over (d_{i−1}, d_i]; the first from (r − 1, 0),
///   with r taken as d_1 when the first observation predates the release.
struct MetricSpan {
    enum Shape: Equatable {
        case window(days: Int)
        case cumulative
    }

    /// An observation: its day number and value.
    struct Point {
        let day: Int
        let value: Double
    }

    /// First and last day credited (start > end: none), and the amount per day.
    let start: Int, end: Int
    let rate: Double
    /// The model's release day: days before it are not the model's days (not "covered").
    let release: Int
    let isDecrease: Bool
    let isEarly: Bool
    /// A cumulative series' value before the observation (nil for its first) and at it: where
    /// the series stands at the end of each month the span reaches. Nil for a window metric.
    let level: (before: Double?, at: Double)?

    init(shape: Shape, release: Int, previous: Point?, current: Point) {
        let day = current.day
        self.release = release
        end = day
        isEarly = release > day
        switch shape {
        case .window(let days):
            var first = day - days + 1
            if let previous { first = max(first, previous.day + 1) }
            if release <= day { first = max(first, release) }
            start = first
            rate = current.value / Double(release <= day ? min(days, day - release + 1) : days)
            isDecrease = false
            level = nil
        case .cumulative:
            let origin = previous ?? Point(day: min(release, day) - 1, value: 0)
            start = origin.day + 1
            rate = (current.value - origin.value) / Double(day - origin.day)
            isDecrease = previous.map { current.value < $0.value } ?? false
            level = (previous?.value, current.value)
        }
    }
}

/// Dates as day numbers (days since 1970-01-01, proleptic Gregorian), and months.
enum CivilDay {
    /// The day number of a `YYYY-MM-DD` date (0 for text that is not one).
    static func number(_ date: String) -> Int {
        guard let (year, month, day) = DateText.components(date) else { return 0 }
        return number(year: year, month: month, day: day)
    }

    /// Howard Hinnant's days_from_civil.
    static func number(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month and day of a day number (civil_from_days).
    static func components(_ number: Int) -> (year: Int, month: Int, day: Int) {
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The `YYYY-MM-DD` text of a day number.
    static func text(_ number: Int) -> String {
        let (year, month, day) = components(number)
        return monthText(year * 12 + month - 1) + (day < 10 ? "-0" : "-") + String(day)
    }

    /// year × 12 + month − 1 of a day number.
    static func monthIndex(_ number: Int) -> Int {
        let (year, month, _) = components(number)
        return year * 12 + month - 1
    }

    /// `YYYY-MM` of a month index.
    static func monthText(_ index: Int) -> String {
        let year = String(index / 12), month = index % 12 + 1
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + (month < 10 ? "-0" : "-") + String(month)
    }
}
