import Foundation

/// The source formats owl reads.
public enum SourceFormat: String, CaseIterable, Sendable {
    /// The interchange format of DESIGN.md: one entity per file.
    case csv, json, jsonl
    /// Hugging Face Hub `/api/models` listings (JSON array or JSON Lines).
    case hfModels = "hf-models"
    /// Epoch AI's "Notable AI Models" CSV.
    case epoch
    /// The Open LLM Leaderboard's exports (`model_name`, `metadata_*`, `evaluations_*`).
    case openLLMLeaderboard = "open-llm-leaderboard"

    public var isInterchange: Bool { self == .csv || self == .json || self == .jsonl }

    /// Formats whose rows are Hugging Face repos, which may name base models.
    var namesHubRepos: Bool { self == .hfModels || self == .openLLMLeaderboard }

    /// The format a file's extension implies, nil when it implies none.
    public static func forFileName(_ name: String) -> SourceFormat? {
        switch Paths.pathExtension(of: name).lowercased() {
        case "csv": return .csv
        case "json": return .json
        case "jsonl", "ndjson": return .jsonl
        default: return nil
        }
    }

    /// A real-world format recognised from the start of the file, nil for anything else.
    public static func detect(path: String) -> SourceFormat? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 16_384)) ?? Data(), as: UTF8.self)
        let firstLine = head.prefix { $0 != "\n" && $0 != "\r\n" }
        if firstLine.contains("Model,") && firstLine.contains("Organization") && firstLine.contains("Publication date") {
            return .epoch
        }
        if firstLine.contains("model_name") && firstLine.contains("metadata_base_model") && firstLine.contains("evaluations_") {
            return .openLLMLeaderboard
        }
        // A Hub listing's objects carry these keys; interchange files never do.
        let trimmed = head.drop { $0.isWhitespace || $0 == "[" || $0 == "\u{FEFF}" }
        func hasKey(_ key: String) -> Bool {
            head.range(of: "\"\(key)\"\\s*:", options: .regularExpression) != nil
        }
        if trimmed.hasPrefix("{"), hasKey("id") || hasKey("modelId"), hasKey("downloads") || hasKey("likes") {
            return .hfModels
        }
        return nil
    }
}
