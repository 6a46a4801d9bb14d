import Foundation

/// The Open LLM Leaderboard's daily exports (`model_name`, `metadata_*`, `evaluations_*`
/// columns): each evaluated repo becomes a model (organization from its namespace, as for
/// hf-models), its base (`metadata_base_model`, a stub when not known) with the relation the
/// table in `relation(isMerged:modelType:)` gives, and observations on the export's date: the
/// likes (`metadata_hub_hearts` as hf_likes) and the six benchmark scores and their average.
///
/// A repo evaluated several times keeps one evaluation: its latest submission
/// (`metadata_submission_date`; an empty date counts as earliest), and of equal dates the
/// later row in the file. The file is read whole before any record is made (a final export
/// has a few thousand rows).
final class OpenLLMLeaderboardSource: RecordSource {
    static let requiredColumns = ["model_name", "metadata_base_model", "features_is_merged", "model_type",
                                  "metadata_upload_date", "metadata_submission_date"]
    /// Score metrics: (metric id, name, column holding the normalized 0–100 score).
    static let scores: [(id: String, name: String, column: String)] = [
        ("open_llm_average", "Open LLM Leaderboard v2 average", "model_average_score"),
        ("open_llm_ifeval", "Open LLM Leaderboard v2 IFEval", "evaluations_ifeval_normalized_score"),
        ("open_llm_bbh", "Open LLM Leaderboard v2 BBH", "evaluations_bbh_normalized_score"),
        ("open_llm_math_lvl5", "Open LLM Leaderboard v2 MATH Level 5", "evaluations_math_normalized_score"),
        ("open_llm_gpqa", "Open LLM Leaderboard v2 GPQA", "evaluations_gpqa_normalized_score"),
        ("open_llm_musr", "Open LLM Leaderboard v2 MuSR", "evaluations_musr_normalized_score"),
        ("open_llm_mmlu_pro", "Open LLM Leaderboard v2 MMLU-PRO", "evaluations_mmlu_pro_normalized_score"),
    ]

    private let reader: CSVReader
    private let source: ByteSource
    private let context: SourceContext
    private let observedOn: String
    private let column: [String: Int]
    /// The largest index in `column`: a row needs more cells than this.
    private let lastColumn: Int
    private let hub: HubNamespaces
    private var buffer = RecordBuffer()
    /// The evaluations kept, one per repo, in the order of each repo's first row.
    private var kept: [CSVRow]?
    private var position = 0
    private var seenModels: Set<String> = []
    private var duplicateRepos = 0, droppedEvaluations = 0, placeholderBases = 0

    init(reader: CSVReader, source: ByteSource, context: SourceContext) throws {
        guard let observedOn = context.observedOn else {
            throw WarehouseError("\(source.path): an Open LLM Leaderboard export needs --observed-on DATE, the day it was exported (its likes and scores are as of then)")
        }
        self.reader = reader
        self.source = source
        self.context = context
        self.observedOn = observedOn
        guard let header = try reader.next() else { throw WarehouseError("\(source.path):1: the file is empty") }
        var column: [String: Int] = [:]
        for (index, name) in header.cells.enumerated() where column[name] == nil { column[name] = index }
        let missing = (Self.requiredColumns + Self.scores.map(\.column)).filter { column[$0] == nil }
        guard missing.isEmpty else {
            throw WarehouseError("\(source.path):1: not an Open LLM Leaderboard export: the header lacks \(missing.joined(separator: ", "))")
        }
        self.column = column
        lastColumn = column.values.max() ?? 0
        hub = HubNamespaces(context: context)
    }

    var bytesRead: Int64 { source.bytesRead }

    var notes: [String] {
        var notes = hub.notes
        if duplicateRepos > 0 {
            notes.append("\(duplicateRepos) repo(s) were evaluated more than once; each keeps its latest submission "
                + "(then its later row): \(droppedEvaluations) evaluation(s) left out.")
        }
        if placeholderBases > 0 {
            notes.append("\(placeholderBases) evaluation(s) name a base that is a placeholder (\"Removed\", or a name without "
                + "a namespace that matches no model, or not a repo id, such as \"author/name (Merge)\"): no base recorded for them.")
        }
        return notes
    }

    /// The relation a row states, by this table (the first line that applies wins):
    ///
    /// | features_is_merged | model_type                          | relation |
    /// | true               | any                                 | merge    |
    /// | false              | base merges and moerges             | merge    |
    /// | false              | fine-tuned…, chat…, continuously pretrained | finetune |
    /// | false              | anything else (pretrained, multimodal, other) | other |
    ///
    /// The merged flag wins over the type: a merge whose author filed it as a fine-tune is
    /// still a merge of several bases. Types are compared without case, spaces or symbols, as
    /// exports spell them (`fine-tunedondomain-specificdatasets`, `basemergesandmoerges`).
    static func relation(isMerged: String, modelType: String) -> String {
        if isMerged.lowercased() == "true" { return "merge" }
        let type = String(modelType.lowercased().unicodeScalars.filter { CharacterSet.lowercaseLetters.contains($0) && $0.isASCII })
        if type.hasPrefix("basemerges") { return "merge" }
        if type.hasPrefix("finetuned") || type.hasPrefix("chat") || type.hasPrefix("continuouslypretrained") { return "finetune" }
        return "other"
    }

    func next() throws -> SourceRecord? {
        if kept == nil { kept = try readAll() }
        return buffer.next {
            guard let rows = kept, position < rows.count else { return nil }
            position += 1
            return records(for: rows[position - 1], first: position == 1)
        }
    }

    /// Every row, one kept per repo by the rule above.
    private func readAll() throws -> [CSVRow] {
        var order: [String] = []
        var chosen: [String: CSVRow] = [:]
        var evaluations: [String: Int] = [:]
        let submitted = index(of: "metadata_submission_date"), name = index(of: "model_name")
        while let row = try reader.next() {
            let repo = row.cells.indices.contains(name) ? FieldConverter.trimmed(row.cells[name]) : ""
            guard let previous = chosen[repo] else {
                order.append(repo)
                chosen[repo] = row
                evaluations[repo] = 1
                continue
            }
            evaluations[repo, default: 1] += 1
            func date(_ row: CSVRow) -> String { row.cells.indices.contains(submitted) ? row.cells[submitted] : "" }
            if date(row) >= date(previous) { chosen[repo] = row }
        }
        for (repo, count) in evaluations where count > 1 && !repo.isEmpty {
            duplicateRepos += 1
            droppedEvaluations += count - 1
        }
        return order.compactMap { chosen[$0] }
    }

    /// The column of a required field, which `init` found in the header.
    private func index(of name: String) -> Int {
        guard let index = column[name] else { preconditionFailure("\(name) is a required column; init refuses a header without it") }
        return index
    }

    private func records(for row: CSVRow, first: Bool) -> [SourceRecord] {
        let line = row.line
        var records: [SourceRecord] = []
        if first {
            for score in Self.scores {
                records.append(SourceRecord(entity: .metrics, line: line, fields: [
                    "id": score.id, "name": score.name, "unit": "points", "kind": "score",
                    "description": "The leaderboard's normalized score (0 to 100, random guessing at 0) from the export's \(score.column) column"]))
            }
            records.append(SourceRecord(entity: .metrics, line: line, fields: [
                "id": HFModelsSource.likes, "name": "Hugging Face likes", "unit": "likes", "kind": "cumulative",
                "description": "The Hub API's likes field at the snapshot date"]))
        }
        guard row.cells.count > lastColumn else {
            return [.invalid(.models, line: line, field: nil, message: "the row has \(row.cells.count) cells, fewer than the header")]
        }
        func cell(_ name: String) -> String { FieldConverter.trimmed(row.cells[index(of: name)]) }
        func optional(_ name: String) -> String? {
            guard let index = column[name] else { return nil }
            let text = FieldConverter.trimmed(row.cells[index])
            return text.isEmpty ? nil : text
        }
        let id = cell("model_name")
        let organization: String
        if let slash = id.firstIndex(of: "/"), slash != id.startIndex {
            organization = hub.organizationID(for: String(id[..<slash]), line: line, into: &records)
        } else if let maker = LegacyRepos.organizationAndSource[id]?.organization, context.organizationIDs.contains(maker) {
            organization = maker
        } else {
            return records + [.invalid(.models, line: line, field: "model_name", message: "must be a Hugging Face repo id, author/name", value: id)]
        }
        if !context.existingModels.contains(id) && !seenModels.contains(id) {
            seenModels.insert(id)
            hub.described(id)
            // The earliest day the export shows the repo existed: uploaded, else submitted,
            // else the export's own date.
            let released = optional("metadata_upload_date") ?? optional("metadata_submission_date") ?? observedOn
            let parameters = optional("metadata_params_billions").flatMap { FieldConverter.number($0) }.flatMap { $0 > 0 ? Numbers.text($0) : nil }
            let license = optional("metadata_hub_license")
            records.append(SourceRecord(entity: .models, line: line, fields: [
                "id": id, "organization": organization, "name": id.split(separator: "/").last.map(String.init) ?? id,
                "released_on": String(released.prefix(10)), "params_total_b": parameters,
                "architecture": optional("features_is_moe")?.lowercased() == "true" ? "moe" : nil,
                "license": license, "openness": LicenseOpenness.openness(forLicense: license),
                "url": "https://huggingface.co/\(id)"]))
        }
        let source = "Open LLM Leaderboard export \(context.fileName)"
        let base = cell("metadata_base_model")
        if !base.isEmpty && base != id {
            if hub.isBaseID(base) {
                hub.stubIfUnknown(base, line: line, into: &records)
                records.append(SourceRecord(entity: .modelBases, line: line, fields: [
                    "model": id, "base": base,
                    "relation": Self.relation(isMerged: cell("features_is_merged"), modelType: cell("model_type")),
                    "source": source]))
            } else {
                placeholderBases += 1
            }
        }
        var observations: [(String, String?)] = [(HFModelsSource.likes, optional("metadata_hub_hearts"))]
        observations += Self.scores.map { ($0.id, optional($0.column)) }
        for (metric, value) in observations {
            guard let value else { continue }
            records.append(SourceRecord(entity: .observations, line: line, fields: [
                "model": id, "metric": metric, "observed_on": observedOn, "value": value, "source": source], insertOnly: false))
        }
        return records
    }
}
