import Foundation
import SQLiteDB

/// What a source may need to know of the database, read before the file is (sources run on
/// a reading thread and never touch the connection).
struct SourceContext {
    let fileName: String
    let observedOn: String?
    /// For hf-models: models created before this date are left out.
    let createdSince: String?
    let mapping: ColumnMapping?
    /// Lower-cased Hugging Face namespace → organization id.
    let organizationByNamespace: [String: String]
    /// Organization ids, and lower-cased organization names → id.
    let organizationIDs: Set<String>
    let organizationByName: [String: String]
    /// Lower-cased aliases (old ids, other names) → organization id: looked up before a
    /// name or id makes a new organization, so merges survive the next import.
    let organizationByAlias: [String: String]
    /// Model ids already stored and described, and stubs (read for the Hugging Face
    /// formats only, which add only new models and fill in stubs).
    let existingModels: Set<String>
    let stubModels: Set<String>
    /// "organization id, lower-cased model name" → model id (read for epoch only, to find
    /// models already stored under their Hugging Face id).
    let modelByOrganizationAndName: [String: String]
    /// `modelNameKey` of each model's name and of its id's last part → model id (epoch only,
    /// whose Base model column names models rather than giving ids).
    let modelByName: [String: String]

    /// A model name compared without case, spaces or punctuation other than `.`:
    /// "Qwen2.5 7B" and "Qwen2.5-7B" are one name.
    static func modelNameKey(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "." }.map(Character.init))
    }

    static func modelKey(organization: String, name: String) -> String { organization + "\u{1}" + name.lowercased() }

    init(db: Database, options: IngestOptions, fileName: String, format: SourceFormat) throws {
        self.fileName = fileName
        observedOn = options.observedOn
        createdSince = options.createdSince
        mapping = options.mapping
        var byNamespace: [String: String] = [:], byName: [String: String] = [:], ids: Set<String> = []
        for row in try db.rows("SELECT id, name, hf_namespaces FROM organizations") {
            guard case .text(let id) = row[0] else { continue }
            ids.insert(id)
            if case .text(let name) = row[1] { byName[name.lowercased()] = id }
            if case .text(let namespaces) = row[2] {
                for namespace in namespaces.split(separator: ";") { byNamespace[namespace.lowercased()] = id }
            }
        }
        var byAlias: [String: String] = [:]
        for row in try db.rows("SELECT alias, organization FROM organization_aliases") {
            guard case .text(let alias) = row[0], case .text(let organization) = row[1] else { continue }
            byAlias[alias.lowercased()] = organization
        }
        organizationByNamespace = byNamespace
        organizationIDs = ids
        // An organization's own name wins over another's alias.
        organizationByName = byName.merging(byAlias) { own, _ in own }
        organizationByAlias = byAlias
        var described: Set<String> = [], stubs: Set<String> = []
        if format.namesHubRepos {
            for row in try db.rows("SELECT id, stub FROM models") {
                guard case .text(let id) = row[0] else { continue }
                if row[1].integerValue == 1 { stubs.insert(id) } else { described.insert(id) }
            }
        }
        existingModels = described
        stubModels = stubs
        var modelsByName: [String: String] = [:], byModelName: [String: String] = [:]
        if format == .epoch {
            for row in try db.rows("SELECT id, organization, name FROM models ORDER BY stub, key") {
                guard case .text(let id) = row[0], case .text(let organization) = row[1], case .text(let name) = row[2] else { continue }
                modelsByName[Self.modelKey(organization: organization, name: name)] = id
                // The first described model of a name wins; stubs come last.
                for key in [Self.modelNameKey(name), Self.modelNameKey(String(id.split(separator: "/").last ?? ""))] where !key.isEmpty {
                    if byModelName[key] == nil { byModelName[key] = id }
                }
            }
        }
        modelByOrganizationAndName = modelsByName
        modelByName = byModelName
    }
}
