/// What importers of Hugging Face repo ids share: the organization behind a namespace
/// (creating one with country ZZ the first time an unknown namespace appears), and stubs for
/// base models a file names but does not describe. Both are listed in the file's summary.
final class HubNamespaces {
    private let context: SourceContext
    private var namespaces: [String: String]
    private var usedOrganizationIDs: Set<String>
    private(set) var createdOrganizations: [String] = []
    /// Model ids stored, stubs included, and those this file has made so far.
    private var knownModels: Set<String>
    private var stubs: [String] = []
    /// Stubs made by this file that a later row of it describes.
    private var filledIn: Set<String> = []

    init(context: SourceContext) {
        self.context = context
        namespaces = context.organizationByNamespace
        usedOrganizationIDs = context.organizationIDs
        knownModels = context.existingModels.union(context.stubModels)
    }

    /// Records that `id` is described by the file (so it needs no stub).
    func described(_ id: String) {
        if !knownModels.insert(id).inserted { filledIn.insert(id) }
    }

    /// The organization owning a namespace (through hf_namespaces, else an alias naming the
    /// namespace or the id it would get), creating one (country ZZ) the first time an unknown
    /// namespace appears.
    func organizationID(for namespace: String, line: Int, into records: inout [SourceRecord]) -> String {
        if let id = namespaces[namespace.lowercased()] { return id }
        if let id = context.organizationByAlias[namespace.lowercased()] ?? context.organizationByAlias[Slug.make(namespace)] {
            namespaces[namespace.lowercased()] = id
            return id
        }
        var id = Slug.make(namespace)
        if usedOrganizationIDs.contains(id) { id += "-hf" }
        var suffix = 2
        while usedOrganizationIDs.contains(id) {
            id = Slug.make(namespace) + "-hf\(suffix)"
            suffix += 1
        }
        usedOrganizationIDs.insert(id)
        namespaces[namespace.lowercased()] = id
        createdOrganizations.append(namespace)
        records.append(SourceRecord(entity: .organizations, line: line, fields: [
            "id": id, "name": namespace, "country": "ZZ", "kind": "community", "hf_namespaces": namespace,
            "url": "https://huggingface.co/\(namespace)"]))
        return id
    }

    /// A stub for base `id` (author/name) when no model has that id yet: a model with no
    /// release date, marked stub, that a later file describing it fills in.
    func stubIfUnknown(_ id: String, line: Int, into records: inout [SourceRecord]) {
        guard !knownModels.contains(id), let slash = id.firstIndex(of: "/") else { return }
        knownModels.insert(id)
        stubs.append(id)
        let organization = organizationID(for: String(id[..<slash]), line: line, into: &records)
        records.append(SourceRecord(entity: .models, line: line, fields: [
            "id": id, "organization": organization, "name": String(id[id.index(after: slash)...]), "stub": "true",
            "url": "https://huggingface.co/\(id)"]))
    }

    /// A base id worth a relation: a repo id (author/name, of the letters, digits and . _ -
    /// the Hub allows), or an id without a namespace (`gpt2`) only when such a model is
    /// known. Placeholders ("Removed", "author/name (Merge)") are neither.
    func isBaseID(_ id: String) -> Bool {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 1 { return knownModels.contains(id) }
        return parts.count == 2 && parts.allSatisfy { FieldConverter.isNamespace(String($0)) }
    }

    var notes: [String] {
        var notes: [String] = []
        if !createdOrganizations.isEmpty {
            let shown = createdOrganizations.prefix(20).joined(separator: ", ")
            let more = createdOrganizations.count > 20 ? " and \(createdOrganizations.count - 20) more" : ""
            notes.append("\(createdOrganizations.count) namespace(s) matched no organization's hf_namespaces and became organizations "
                + "with country ZZ and kind community: \(shown)\(more). Fill in their country and kind with `owl organizations set ID --country CC --kind KIND` "
                + "(`owl organizations list --unknown` lists them, most downloaded first).")
        }
        let stubs = self.stubs.filter { !filledIn.contains($0) }
        if !stubs.isEmpty {
            let shown = stubs.prefix(20).joined(separator: ", ")
            let more = stubs.count > 20 ? " and \(stubs.count - 20) more" : ""
            notes.append("\(stubs.count) base model(s) named here were not known and became stubs (no release date; "
                + "left out of analyses by release date until a file describes them): \(shown)\(more).")
        }
        return notes
    }
}
