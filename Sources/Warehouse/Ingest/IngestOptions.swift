public struct IngestOptions: Sendable {
    public var dryRun = false
    public var skipInvalid = false
    /// How many row problems a failed file reports before summing up the rest.
    public var problemLimit = 20
    /// For hf-models: the date of the snapshot.
    public var observedOn: String?
    /// For CSV files of another shape: how their columns map onto an entity's fields.
    public var mapping: ColumnMapping?
    /// Only add new rows; leave rows already stored as they are.
    public var insertOnly = false
    /// Load every file inside one outer transaction, a savepoint each, committed only when
    /// every file loaded: all the files or none (`owl pull hf` loads a snapshot's pages so).
    public var oneTransaction = false
    /// For hf-models: keep only models created on or after this date (YYYY-MM-DD).
    public var createdSince: String?
    public init(dryRun: Bool = false, skipInvalid: Bool = false, observedOn: String? = nil, mapping: ColumnMapping? = nil) {
        self.dryRun = dryRun
        self.skipInvalid = skipInvalid
        self.observedOn = observedOn
        self.mapping = mapping
    }
}
