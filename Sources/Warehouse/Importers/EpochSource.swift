import Foundation

/// Epoch AI's "Notable AI Models" CSV: each row becomes a model of its first listed
/// organization, and every listed organization is created when new, with the country and
/// kind its rows decide (`EpochOrganizations`, read in a first pass over the file).
final class EpochSource: RecordSource {
    private let reader: CSVReader
    private let source: ByteSource
    private let context: SourceContext
    private let column: [String: Int]
    private var buffer = RecordBuffer()
    /// Organization names (lower-cased) → id, for names seen in this file.
    private var organizationByName: [String: String]
    private var usedOrganizationIDs: Set<String>
    private var emittedOrganizations: Set<String> = []
    private var emptyKinds = 0
    private var unknownCountries: [String] = []
    private let organizations: EpochOrganizations
    private let names: EpochNames
    /// Model names (SourceContext.modelNameKey) → id: stored models and this file's.
    private var modelByName: [String: String]
    /// Base model cells, matched by name once the whole file is read (bases often come
    /// later in the file than the models built on them).
    private var pendingBases: [(line: Int, model: String, names: [String])] = []
    private var basesMatched = false
    private var unmatchedBases: [String] = []

    static let requiredColumns = ["Model", "Organization", "Publication date"]

    init(reader: CSVReader, source: ByteSource, context: SourceContext) throws {
        self.reader = reader
        self.source = source
        self.context = context
        guard let header = try reader.next() else { throw WarehouseError("\(source.path):1: the file is empty") }
        var column: [String: Int] = [:]
        for (index, name) in header.cells.enumerated() where column[name] == nil { column[name] = index }
        let missing = Self.requiredColumns.filter { column[$0] == nil }
        guard missing.isEmpty else {
            throw WarehouseError("\(source.path):1: not an Epoch AI models file: the header lacks \(missing.joined(separator: ", "))")
        }
        self.column = column
        organizationByName = context.organizationByName
        usedOrganizationIDs = context.organizationIDs
        let knownNames = Set(context.organizationByName.keys)
        organizations = try EpochOrganizations(path: source.path, knownNames: knownNames)
        names = EpochNames(knownNames: knownNames)
        modelByName = context.modelByName
    }

    var bytesRead: Int64 { source.bytesRead }

    var notes: [String] {
        var notes: [String] = []
        if !unknownCountries.isEmpty {
            let shown = unknownCountries.prefix(10).joined(separator: ", ")
            let more = unknownCountries.count > 10 ? " and \(unknownCountries.count - 10) more" : ""
            notes.append("\(unknownCountries.count) organization(s) have no row that decides their country and were given ZZ: "
                + "\(shown)\(more) (see `owl organizations list --unknown`).")
        }
        if !unmatchedBases.isEmpty {
            let shown = unmatchedBases.prefix(20).joined(separator: "; ")
            let more = unmatchedBases.count > 20 ? " and \(unmatchedBases.count - 20) more" : ""
            notes.append("\(unmatchedBases.count) Base model name(s) matched no model by name and were left out "
                + "(none is created): \(shown)\(more).")
        }
        if emptyKinds > 0 {
            notes.append("\(emptyKinds) organization(s) had no categorization of their own in the file and were given kind community.")
        }
        return notes
    }

    func next() throws -> SourceRecord? {
        try buffer.next {
            guard let row = try reader.next() else {
                guard !basesMatched else { return nil }
                basesMatched = true
                return matchedBases()
            }
            return records(for: row)
        }
    }

    private func cell(_ row: CSVRow, _ name: String) -> String? {
        guard let index = column[name], index < row.cells.count else { return nil }
        let text = row.cells[index].split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    private static func list(_ cell: String?) -> [String] { EpochNames.pieces(cell ?? "") }

    private func records(for row: CSVRow) -> [SourceRecord] {
        let line = row.line
        var records: [SourceRecord] = []
        if row.invalidUTF8Cell != nil {
            return [.invalid(.models, line: line, field: nil, message: "the row is not valid UTF-8")]
        }
        var organizationIDs: [String] = []
        for name in names.names(inCell: cell(row, "Organization") ?? "") {
            organizationIDs.append(organizationID(for: name, line: line, into: &records))
        }
        let model = cell(row, "Model")
        let link = cell(row, "Link")
        // The Hugging Face repo id when the link gives one; else the model already stored
        // under the same organization and name; else organization/model-name.
        var id = model.map { (organizationIDs.first ?? "unknown") + "/" + Slug.make($0) }
        if let link, let url = URL(string: link), url.host == "huggingface.co" {
            let parts = url.path.split(separator: "/")
            if parts.count >= 2 { id = parts[0] + "/" + parts[1] }
        } else if let model, let organization = organizationIDs.first,
                  let stored = context.modelByOrganizationAndName[SourceContext.modelKey(organization: organization, name: model)] {
            id = stored
        }
        var parameters: String?
        if let text = cell(row, "Parameters") {
            parameters = Double(text).map { Numbers.text($0 / 1e9) } ?? text
        }
        records.append(SourceRecord(entity: .models, line: line, fields: [
            "id": id, "organization": organizationIDs.first, "name": model,
            "released_on": cell(row, "Publication date"), "params_total_b": parameters,
            "modality": Self.list(cell(row, "Domain")).first?.lowercased(),
            "openness": Self.openness(access: cell(row, "Model accessibility"), trainingCode: cell(row, "Training code accessibility")),
            "url": link.flatMap { $0.hasPrefix("http") ? $0 : nil }]))
        // A row without an organization is invalid: no base of it is matched either.
        if let id, let model, !organizationIDs.isEmpty {
            let key = SourceContext.modelNameKey(model)
            if !key.isEmpty && modelByName[key] == nil { modelByName[key] = id }
            let bases = Self.list(cell(row, "Base model"))
            if !bases.isEmpty { pendingBases.append((line, id, bases)) }
        }
        return records
    }

    /// The Base model cells as relations (`finetune`: Epoch's base model is the one trained
    /// further into the row's model), each name matched to a model by name; the unmatched
    /// are listed in a note, and no model is created for them.
    private func matchedBases() -> [SourceRecord] {
        var records: [SourceRecord] = []
        var unmatched: Set<String> = []
        for (line, model, bases) in pendingBases {
            for name in bases {
                guard let base = modelByName[SourceContext.modelNameKey(name)] else {
                    if unmatched.insert(name).inserted { unmatchedBases.append(name) }
                    continue
                }
                guard base != model else { continue }
                var record = SourceRecord(entity: .modelBases, line: line, fields: [
                    "model": model, "base": base, "relation": "finetune",
                    "source": "Epoch AI, Notable AI Models, Base model column (\(context.fileName))"])
                record.revisitsRow = true
                records.append(record)
            }
        }
        return records
    }

    /// "Open weights (unrestricted)" with open training code is open-source; unrestricted
    /// weights are open-weights; restricted or non-commercial ones restricted-weights; API,
    /// hosted or unreleased models closed.
    static func openness(access: String?, trainingCode: String?) -> String? {
        guard let access = access?.lowercased() else { return nil }
        if access.hasPrefix("open weights (unrestricted)") {
            return trainingCode?.lowercased() == "open source" ? "open-source" : "open-weights"
        }
        if access.hasPrefix("open weights") { return "restricted-weights" }
        if access.hasPrefix("api") || access.hasPrefix("hosted") || access.hasPrefix("unreleased") { return "closed" }
        return nil
    }

    private func organizationID(for name: String, line: Int, into records: inout [SourceRecord]) -> String {
        let key = name.lowercased()
        let id: String
        if let known = organizationByName[key] {
            id = known
        } else if let aliased = context.organizationByAlias[Slug.make(name)] {
            id = aliased
            organizationByName[key] = id
        } else {
            let slug = Slug.make(name)
            id = slug
            organizationByName[key] = id
            usedOrganizationIDs.insert(id)
        }
        if !emittedOrganizations.contains(id) {
            emittedOrganizations.insert(id)
            let kind = organizations.kind(of: name)
            if kind == nil { emptyKinds += 1 }
            let country = organizations.country(of: name)
            // Only organizations this file may create: a stored one keeps its own country.
            if country == Countries.unknownCode && !context.organizationIDs.contains(id) { unknownCountries.append(name) }
            // Insert-only: an organization already stored keeps its own country and kind.
            records.append(SourceRecord(entity: .organizations, line: line, fields: [
                "id": id, "name": name, "country": country, "kind": kind ?? "community"]))
        }
        return id
    }
}
