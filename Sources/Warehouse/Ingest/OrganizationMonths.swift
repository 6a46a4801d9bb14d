import SQLiteDB

/// Keeps `observation_organization_months` (Migrations/0008), observation_months summed per
/// organization over non-stub models, in step with observation_months:
/// - months a load appends are added as they are written, collected per (metric, month,
///   organization) and upserted once each (a file touches a few thousand such rows);
/// - models whose months are recomputed are subtracted before and added after, in SQL;
/// - organizations marked stale (a model moved, or became or stopped being a stub) are
///   recomputed from observation_months before the transaction commits.
struct OrganizationMonths {
    /// Integers only, so that adding a series' months (millions per file) hashes no text:
    /// the organization is its position in `organizations`.
    private struct Series: Hashable {
        let metric: Int64, organization: Int
    }

    /// One (metric, organization)'s sums, by month from `first` on, so that a model's series
    /// adds its months with one hash lookup and no more. `coveredDays` is -1 for a month no
    /// row was added to: a month whose sums are zero still gets its row, as in the table the
    /// models' months would give.
    private struct MonthSums {
        var first = 0
        var amounts: [Double] = []
        var coveredDays: [Int] = []

        /// Adds months given in month order; returns how many months the sums grew by.
        mutating func add(_ months: [MonthTotals.Row]) -> Int {
            guard let low = months.first?.index, let high = months.last?.index else { return 0 }
            var grown = 0
            if amounts.isEmpty { first = low }
            if low < first {
                amounts.insert(contentsOf: repeatElement(0, count: first - low), at: 0)
                coveredDays.insert(contentsOf: repeatElement(-1, count: first - low), at: 0)
                grown += first - low
                first = low
            }
            if high >= first + amounts.count {
                let more = high - (first + amounts.count) + 1
                amounts.append(contentsOf: repeatElement(0, count: more))
                coveredDays.append(contentsOf: repeatElement(-1, count: more))
                grown += more
            }
            for month in months {
                let slot = month.index - first
                amounts[slot] += month.amount
                coveredDays[slot] = max(coveredDays[slot], 0) + month.coveredDays
            }
            return grown
        }
    }

    /// Sums waiting to be written, bounded so memory stays flat however many organizations a
    /// file touches: 16 bytes a month, 16 MB at the bound. The 10x benchmark's 298,480
    /// organization-months fit, so a load of it writes them once.
    private var pending: [Series: MonthSums] = [:]
    private var pendingMonths = 0
    private let pendingLimit: Int
    private var organizations: [String] = []
    private var organizationNumbers: [String: Int] = [:]

    init(pendingLimit: Int = 1_048_576) {
        self.pendingLimit = pendingLimit
    }

    /// Adds the newly credited months (in month order) of a series of one of the
    /// organization's models.
    mutating func add(_ months: [MonthTotals.Row], metric: Int64, organization id: String) {
        let organization = organizationNumbers[id] ?? {
            organizations.append(id)
            organizationNumbers[id] = organizations.count - 1
            return organizations.count - 1
        }()
        pendingMonths += pending[Series(metric: metric, organization: organization), default: MonthSums()].add(months)
    }

    /// Whether the pending sums should be written now, to keep memory bounded.
    var isFull: Bool { pendingMonths >= pendingLimit }

    /// Writes the pending sums in the table's key order (metric, month, organization): each
    /// page of it is then visited once. Each metric's series are ranked by organization once,
    /// then walked month by month, so no month is sorted and nothing is copied. Empties them.
    mutating func write(in db: Database) throws {
        let upsert = try db.cachedStatement("""
            INSERT INTO observation_organization_months (metric, month, organization, amount, covered_days)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (metric, month, organization) DO UPDATE
            SET amount = amount + excluded.amount, covered_days = covered_days + excluded.covered_days
            """)
        var rank = [Int](repeating: 0, count: organizations.count)
        for (position, number) in organizations.indices.sorted(by: { organizations[$0] < organizations[$1] }).enumerated() {
            rank[number] = position
        }
        let ordered = pending.sorted { ($0.key.metric, rank[$0.key.organization]) < ($1.key.metric, rank[$1.key.organization]) }
        var start = ordered.startIndex
        while start < ordered.endIndex {
            let metric = ordered[start].key.metric
            let end = ordered[start...].firstIndex { $0.key.metric != metric } ?? ordered.endIndex
            let series = ordered[start..<end]
            let firstMonth = series.map(\.value.first).min() ?? 0
            let lastMonth = series.map { $0.value.first + $0.value.amounts.count - 1 }.max() ?? -1
            for month in firstMonth..<(lastMonth + 1) {
                let monthText = CivilDay.monthText(month)
                for (key, sums) in series where sums.amounts.indices.contains(month - sums.first) {
                    let slot = month - sums.first
                    guard sums.coveredDays[slot] >= 0 else { continue }
                    try upsert.run([metric, monthText, organizations[key.organization], sums.amounts[slot], sums.coveredDays[slot]])
                }
            }
            start = end
        }
        pending.removeAll(keepingCapacity: true)
        pendingMonths = 0
    }

    /// Adds (sign 1) or subtracts (sign -1) the stored months of some models of one metric,
    /// given as a JSON array of model keys: around a recomputation of their months.
    static func apply(sign: Int, metric: Int64, modelList: String, in db: Database) throws {
        try db.run("""
            INSERT INTO observation_organization_months (metric, month, organization, amount, covered_days)
            SELECT o.metric, o.month, m.organization, ? * sum(o.amount), ? * sum(o.covered_days)
            FROM observation_months AS o JOIN models AS m ON m.key = o.model
            WHERE o.metric = ? AND o.model IN (SELECT value FROM json_each(?)) AND m.stub = 0
            GROUP BY o.month, m.organization
            ON CONFLICT (metric, month, organization) DO UPDATE
            SET amount = amount + excluded.amount, covered_days = covered_days + excluded.covered_days
            """, [sign, sign, metric, modelList])
    }

    /// Recomputes the rows of the organizations marked stale, and clears the marks.
    static func refreshStale(in db: Database) throws {
        guard try db.scalar("SELECT EXISTS (SELECT 1 FROM observation_organization_months_stale)")?.integerValue == 1 else { return }
        try db.execute("""
            DELETE FROM observation_organization_months
            WHERE organization IN (SELECT organization FROM observation_organization_months_stale);
            INSERT INTO observation_organization_months (metric, month, organization, amount, covered_days)
            SELECT o.metric, o.month, m.organization, sum(o.amount), sum(o.covered_days)
            FROM observation_months AS o JOIN models AS m ON m.key = o.model
            WHERE m.stub = 0 AND m.organization IN (SELECT organization FROM observation_organization_months_stale)
            GROUP BY o.metric, o.month, m.organization;
            DELETE FROM observation_organization_months_stale;
            """)
    }

    /// The table from observation_months (`owl migrate --rebuild-summaries`).
    static func rebuild(in db: Database) throws {
        try db.execute("""
            DELETE FROM observation_organization_months;
            INSERT OR IGNORE INTO observation_organization_months_stale (organization) SELECT id FROM organizations;
            """)
        try refreshStale(in: db)
    }
}
