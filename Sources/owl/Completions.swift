import ArgumentParser
import Foundation
import Warehouse

/// Shell completion of the names owl knows at run time: analyses, export targets, an
/// analysis's parameters and their values, and the metrics stored in the database.
enum Completions {
    static let analyses = CompletionKind.custom { _, _, _ in Analysis.catalog.map(\.name) }

    static let exportTargets = CompletionKind.custom { _, _, _ in
        Entity.allCases.map(\.rawValue) + ["all"] + Analysis.catalog.map(\.name)
    }

    /// After `query NAME` or `export NAME`: the analysis's parameters, or the values of the
    /// one before the cursor (choices, or the stored metrics of the kinds it takes).
    static let analysisParameters = CompletionKind.custom { words, index, _ in
        let before = Array(words.prefix(index))
        guard let command = before.lastIndex(where: { $0 == "query" || $0 == "export" }),
              command + 1 < before.count, let analysis = try? Analysis.named(before[command + 1]) else { return [] }
        if let previous = before.last, previous.hasPrefix("--"),
           let parameter = analysis.parameters.first(where: { "--" + $0.name == previous }) {
            switch parameter.type {
            case .choice: return parameter.choices ?? []
            case .metric: return storedMetrics(kinds: parameter.metricKinds ?? Entity.metricKinds, words: before)
            case .date, .integer, .flag: return []
            }
        }
        return analysis.parameters.map { "--" + $0.name }
    }

    /// The metric ids stored in the database the command line names (--db, else $OWL_DB,
    /// else owl.sqlite here), read without changing it; none when there is no database.
    static func storedMetrics(kinds: [String], words: [String]) -> [String] {
        var path = ProcessInfo.processInfo.environment["OWL_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "owl.sqlite"
        if let flag = words.lastIndex(of: "--db"), flag + 1 < words.count { path = words[flag + 1] }
        return (try? Warehouse.metricIDs(path: path, kinds: kinds)) ?? []
    }
}
