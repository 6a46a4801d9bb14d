/// The entities of the interchange format (DESIGN.md) and their fields, in dependency order.
public enum Entity: String, CaseIterable, Sendable, Comparable {
    case organizations
    /// Other ids and names of organizations (ids before a merge or rename, names sources use).
    case organizationAliases = "organization_aliases"
    case releases, models
    /// "Model M is derived from base B": fine-tunes, quantizations, adapters, merges.
    case modelBases = "model_bases"
    case metrics, observations

    public struct Field: Sendable {
        public let name: String
        public let required: Bool
        let kind: Kind
    }

    enum Kind: Sendable {
        case slug, text, url, country, date, boolean, number, positiveNumber, positiveInteger, namespaces
        /// A date stored as its day number (days since 1970-01-01): observations' day.
        case day
        case choice([String])
        /// A reference to another entity's id (`organizations`, `releases`, `models`, `metrics`).
        case reference(Entity)

        var isDay: Bool { if case .day = self { return true } else { return false } }
    }

    public static let organizationKinds = ["company", "academic", "nonprofit", "community", "government"]
    public static let opennessValues = ["open-source", "open-weights", "restricted-weights", "closed"]
    public static let architectures = ["dense", "moe"]
    public static let metricKinds = ["cumulative", "window", "score"]
    public static let baseRelations = ["finetune", "quantized", "adapter", "merge", "other"]

    /// The fields, in the order files and tables list them (built once per entity: row
    /// validation looks them up for every row).
    public var fields: [Field] { Entity.fieldTable[rank] }

    public var fieldNames: [String] { Entity.fieldNameTable[rank] }

    /// The table's column for each field: the field's name, except observations' day, stored
    /// as a day number in `observed_day` (Migrations/0011).
    var columnNames: [String] { Entity.columnNameTable[rank] }

    /// The columns of the fields that identify a row.
    var keyColumns: [String] { keyFields.map { columnNames[fieldIndex($0)] } }

    /// Indexed by `rank`.
    private static let fieldTable = allCases.map { $0.makeFields() }
    private static let fieldNameTable = allCases.map { $0.fields.map(\.name) }
    private static let columnNameTable = allCases.map { $0.fields.map { $0.kind.isDay ? "observed_day" : $0.name } }

    /// The entity's place in dependency order: its index in `allCases`.
    public var rank: Int {
        guard let index = Entity.allCases.firstIndex(of: self) else { preconditionFailure("\(self) is missing from Entity.allCases") }
        return index
    }

    /// The index of the field `name` in `fields`, for a name the code itself gives (a field
    /// name from a file is checked against `fieldNames` first).
    func fieldIndex(_ name: String) -> Int {
        guard let index = fieldNames.firstIndex(of: name) else { preconditionFailure("\(rawValue) has no field \(name)") }
        return index
    }

    private func makeFields() -> [Field] {
        func f(_ name: String, _ kind: Kind, required: Bool = false) -> Field { Field(name: name, required: required, kind: kind) }
        switch self {
        case .organizations:
            return [f("id", .slug, required: true), f("name", .text, required: true), f("country", .country, required: true),
                    f("kind", .choice(Entity.organizationKinds), required: true), f("hf_namespaces", .namespaces), f("url", .url)]
        case .organizationAliases:
            return [f("alias", .text, required: true), f("organization", .reference(.organizations), required: true)]
        case .releases:
            return [f("id", .slug, required: true), f("organization", .reference(.organizations), required: true),
                    f("name", .text, required: true), f("released_on", .date, required: true), f("url", .url)]
        case .models:
            return [f("id", .text, required: true), f("organization", .reference(.organizations), required: true),
                    f("name", .text, required: true), f("release", .reference(.releases)), f("released_on", .date),
                    f("family", .text), f("params_total_b", .positiveNumber), f("params_active_b", .positiveNumber),
                    f("architecture", .choice(Entity.architectures)), f("modality", .text), f("license", .text),
                    f("openness", .choice(Entity.opennessValues)), f("url", .url), f("stub", .boolean)]
        case .modelBases:
            return [f("model", .reference(.models), required: true), f("base", .reference(.models), required: true),
                    f("relation", .choice(Entity.baseRelations), required: true), f("source", .text)]
        case .metrics:
            return [f("id", .slug, required: true), f("name", .text, required: true), f("unit", .text, required: true),
                    f("kind", .choice(Entity.metricKinds), required: true), f("window_days", .positiveInteger),
                    f("higher_is_better", .boolean), f("description", .text)]
        case .observations:
            return [f("model", .reference(.models), required: true), f("metric", .reference(.metrics), required: true),
                    f("observed_on", .day, required: true), f("value", .number, required: true), f("source", .text)]
        }
    }

    /// The fields that identify a row: re-ingesting a row with the same key updates it.
    public var keyFields: [String] {
        switch self {
        case .observations: return ["model", "metric", "observed_on"]
        case .organizationAliases: return ["alias"]
        case .modelBases: return ["model", "base"]
        default: return ["id"]
        }
    }

    /// The entity a file's base name stands for: `models.csv`, `models.jsonl` → models.
    public static func forFileName(_ name: String) -> Entity? {
        guard let dot = name.firstIndex(of: ".") else { return nil }
        return Entity(rawValue: String(name[..<dot]))
    }

    public static func < (a: Entity, b: Entity) -> Bool {
        a.rank < b.rank
    }
}
