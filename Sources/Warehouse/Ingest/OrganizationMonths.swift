import SQLiteDB

/// Keeps `observation_organization_months` (Migrations/0008), observation_months summed per
/// organization over non-stub models, in step with observation_months:
/// - months a load appends are added as they are written, collected per (metric, month,
///   organization) and upserted once each (a file touches a few thousand such rows);
/// - models whose months are recomputed are subtracted before and added after, in SQL;
/// - organizations marked stale (a model moved, or became or stopped being a stub) are
///   recomputed from observation_months before the transaction commits.
final class OrganizationMonths {
    /// Integers only, so that adding a month (millions per file) hashes no text: the month
    /// as MonthTotals numbers it, the organization as its position in `organizations`.
    private struct Key: Hashable {
        let metric: Int64, month: Int, organization: Int
    }

    /// Upserts waiting to be written, bounded so memory stays flat however many
    /// organizations a file touches (an entry takes about 60 bytes: 16 MB at the bound, which
    /// the 10× benchmark's 300,000 organization-months nearly fit).
    private var pending: [Key: Sum] = [:]
    private struct Sum {
        var amount = 0.0, coveredDays = 0
        mutating func add(_ month: MonthTotals.Row) {
            amount += month.amount
            coveredDays += month.coveredDays
        }
    }
    private static let pendingLimit = 262_144
    private var organizations: [String] = []
    private var organizationNumbers: [String: Int] = [:]
    private let db: Database

    init(db: Database) {
        self.db = db
    }

    /// Adds the newly credited months of a series of one of the organization's models.
    func add(_ months: [MonthTotals.Row], metric: Int64, organization id: String) {
        let organization = organizationNumbers[id] ?? {
            organizations.append(id)
            organizationNumbers[id] = organizations.count - 1
            return organizations.count - 1
        }()
        for month in months {
            pending[Key(metric: metric, month: month.index, organization: organization), default: Sum()].add(month)
        }
    }

    /// Whether the pending sums should be written now, to keep memory bounded.
    var isFull: Bool { pending.count >= Self.pendingLimit }

    /// Writes the pending sums, in the table's key order: each page of it is then visited
    /// once, where the dictionary's order would visit pages at random.
    func write() throws {
        let upsert = try db.cachedStatement("""
            INSERT INTO observation_organization_months (metric, month, organization, amount, covered_days)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (metric, month, organization) DO UPDATE
            SET amount = amount + excluded.amount, covered_days = covered_days + excluded.covered_days
            """)
        // Organizations ranked by id once, so the sort compares integers.
        var rank = [Int](repeating: 0, count: organizations.count)
        for (position, number) in organizations.indices.sorted(by: { organizations[$0] < organizations[$1] }).enumerated() {
            rank[number] = position
        }
        let ordered = pending.sorted { a, b in
            (a.key.metric, a.key.month, rank[a.key.organization]) < (b.key.metric, b.key.month, rank[b.key.organization])
        }
        for (key, sum) in ordered {
            try upsert.run([key.metric, CivilDay.monthText(key.month), organizations[key.organization], sum.amount, sum.coveredDays])
        }
        pending.removeAll(keepingCapacity: true)
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
