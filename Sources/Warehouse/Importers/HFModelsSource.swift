import Foundation

/// Hugging Face Hub `/api/models` listings (a JSON array or JSON Lines): each model becomes
/// a model row (with a release and, for an unknown namespace, an organization when new), its
/// bases (a stub for a base not known), and observations on the snapshot date:
/// hf_downloads_30d, hf_likes and, when the listing has it (`expand[]=downloadsAllTime`),
/// hf_downloads_all.
final class HFModelsSource: RecordSource {
    static let downloads = "hf_downloads_30d", likes = "hf_likes", downloadsAll = "hf_downloads_all"

    private let reader: JSONReader
    private let source: ByteSource
    private let context: SourceContext
    private let observedOn: String
    private var buffer = RecordBuffer()
    private var emittedMetrics = false, emittedAllTimeMetric = false
    private let hub: HubNamespaces
    private var seenModels: Set<String> = []

    init(source: ByteSource, context: SourceContext) throws {
        guard let observedOn = context.observedOn else {
            throw WarehouseError("\(source.path): a Hugging Face listing needs the day it was fetched (IngestOptions.observedOn): its downloads are the 30 days before it")
        }
        self.source = source
        self.context = context
        self.observedOn = observedOn
        hub = HubNamespaces(context: context)
        reader = JSONReader(source: source, jsonLines: try Self.isJSONLines(source))
    }

    /// A listing is an array when its first non-blank byte is `[`, else JSON Lines.
    private static func isJSONLines(_ source: ByteSource) throws -> Bool {
        while true {
            let buffer = source.buffer
            if let first = buffer[source.position...].first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) {
                return first != UInt8(ascii: "[")
            }
            if try !source.refill() { return true }
        }
    }

    var bytesRead: Int64 { source.bytesRead }

    var notes: [String] { hub.notes }

    func next() throws -> SourceRecord? {
        try buffer.next {
            guard let (line, object) = try reader.next() else { return nil }
            return records(for: object, line: line)
        }
    }

    private func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value, !text.isEmpty { return text }
        return nil
    }

    private func records(for object: [String: JSONValue], line: Int) -> [SourceRecord] {
        var records: [SourceRecord] = []
        if !emittedMetrics {
            emittedMetrics = true
            records.append(SourceRecord(entity: .metrics, line: line, fields: [
                "id": Self.downloads, "name": "Hugging Face downloads, last 30 days", "unit": "downloads", "kind": "window",
                "window_days": "30", "description": "The Hub API's downloads field: downloads in the 30 days before the snapshot"]))
            records.append(SourceRecord(entity: .metrics, line: line, fields: [
                "id": Self.likes, "name": "Hugging Face likes", "unit": "likes", "kind": "cumulative",
                "description": "The Hub API's likes field at the snapshot date"]))
        }
        // Created with the first model that has the field, so plain listings add no empty metric.
        if !emittedAllTimeMetric && object["downloadsAllTime"] != nil {
            emittedAllTimeMetric = true
            records.append(SourceRecord(entity: .metrics, line: line, fields: [
                "id": Self.downloadsAll, "name": "Hugging Face downloads, all time", "unit": "downloads", "kind": "cumulative",
                "description": "The Hub API's downloadsAllTime field: downloads since the repo was created, at the snapshot date"]))
        }
        if let since = context.createdSince, let created = string(object["createdAt"]), created.prefix(10) < since {
            return records  // --since: a model created before it is left out
        }
        guard let id = string(object["id"]) ?? string(object["modelId"]) else {
            return [.invalid(.models, line: line, field: "id", message: "is required (a Hugging Face repo id, author/name)", value: nil)]
        }
        let slash = id.firstIndex(of: "/")
        let organization: String
        if let slash {
            organization = hub.organizationID(for: string(object["author"]) ?? String(id[..<slash]), line: line, into: &records)
        } else if let maker = LegacyRepos.organizationAndSource[id]?.organization, context.organizationIDs.contains(maker) {
            // A repo from before namespaces (`gpt2`) belongs to the organization that made it.
            organization = maker
        } else {
            return [.invalid(.models, line: line, field: "id", message: "must be a Hugging Face repo id, author/name", value: id)]
        }

        if !context.existingModels.contains(id) && !seenModels.contains(id) {
            seenModels.insert(id)
            hub.described(id)
            let created = string(object["createdAt"]).map { String($0.prefix(10)) }
            let release = "hf-" + Slug.make(id)
            var license: String?
            if case .array(let tags)? = object["tags"] {
                license = tags.lazy.compactMap { tag -> String? in
                    if case .string(let text) = tag, text.hasPrefix("license:") { return String(text.dropFirst(8)) }
                    return nil
                }.first
            }
            var parameters: String?
            if case .object(let safetensors)? = object["safetensors"], case .number(let total)? = safetensors["total"], let count = Double(total) {
                parameters = Numbers.text(count / 1e9)
            }
            let url = "https://huggingface.co/\(id)"
            records.append(SourceRecord(entity: .releases, line: line, fields: [
                "id": release, "organization": organization, "name": id, "released_on": created, "url": url]))
            records.append(SourceRecord(entity: .models, line: line, fields: [
                "id": id, "organization": organization, "name": slash.map { String(id[id.index(after: $0)...]) } ?? id, "release": release,
                "params_total_b": parameters, "modality": string(object["pipeline_tag"]), "license": license,
                "openness": LicenseOpenness.openness(forLicense: license), "url": url]))
        }
        let source = "Hugging Face Hub API listing \(context.fileName)"
        for (base, relation) in Self.bases(of: object, id: id) where hub.isBaseID(base) {
            hub.stubIfUnknown(base, line: line, into: &records)
            records.append(SourceRecord(entity: .modelBases, line: line, fields: [
                "model": id, "base": base, "relation": relation, "source": source]))
        }
        for (metric, key) in [(Self.downloads, "downloads"), (Self.likes, "likes"), (Self.downloadsAll, "downloadsAllTime")] {
            guard let value = object[key], let text = value.scalarText ?? nil else { continue }
            records.append(SourceRecord(entity: .observations, line: line, fields: [
                "model": id, "metric": metric, "observed_on": observedOn, "value": text, "source": source], insertOnly: false))
        }
        return records
    }

    /// The bases a listing names for model `id`, in the order named: the Hub's
    /// `base_model:RELATION:ID` tags give the relation (finetune, quantized, adapter, merge;
    /// another word is `other`); `base_model:ID` tags and the card's `base_model` (a string or
    /// a list) add bases with relation `other`. A model naming itself has no base.
    static func bases(of object: [String: JSONValue], id: String) -> [(base: String, relation: String)] {
        var found: [(base: String, relation: String)] = []
        func add(_ base: String, _ relation: String) {
            let base = base.trimmingCharacters(in: .whitespaces)
            guard !base.isEmpty, base != id, !found.contains(where: { $0.base == base }) else { return }
            found.append((base, relation))
        }
        var plain: [String] = []
        if case .array(let tags)? = object["tags"] {
            for case .string(let tag) in tags where tag.hasPrefix("base_model:") {
                let rest = tag.dropFirst("base_model:".count)
                // author/name has one slash; a relation comes before a colon, and ids have none.
                if let colon = rest.firstIndex(of: ":") {
                    let relation = String(rest[..<colon])
                    add(String(rest[rest.index(after: colon)...]), Entity.baseRelations.contains(relation) ? relation : "other")
                } else {
                    plain.append(String(rest))
                }
            }
        }
        if case .object(let card)? = object["cardData"] {
            switch card["base_model"] {
            case .string(let base)?: plain.append(base)
            case .array(let items)?: for case .string(let base) in items { plain.append(base) }
            default: break
            }
        }
        for base in plain { add(base, "other") }
        return found
    }
}

extension SourceFormat {
    /// Snapshots that carry no date of their own: they load only with an observation date
    /// (`IngestOptions.observedOn`), the day they were fetched or exported.
    public var needsObservationDate: Bool { self == .hfModels || self == .openLLMLeaderboard }
}
