import ArgumentParser
import Warehouse

/// An analysis's parameters on the command line: each is an option, `--name value`,
/// `--name=value`, or `--name` alone for a flag. The one parser of them, for query and
/// export; the analysis then checks the values.
extension Analysis {
    func arguments(fromCommandLine words: [String]) throws -> [String: String] {
        var values: [String: String] = [:]
        var index = 0
        while index < words.count {
            let word = words[index]
            guard word.hasPrefix("--") else {
                throw UsageError("unexpected \"\(word)\"; \(name) takes \(synopsis)")
            }
            var key = String(word.dropFirst(2))
            var value: String?
            if let equals = key.firstIndex(of: "=") {
                value = String(key[key.index(after: equals)...])
                key = String(key[..<equals])
            }
            guard let parameter = parameter(named: key) else {
                throw AnalysisArgumentError.unknownParameter(key, analysis: self,
                                                             suggestion: Warehouse.suggestion(for: key, among: parameters.map(\.name)))
            }
            if parameter.type == .flag {
                guard value == nil else { throw UsageError("--\(key) takes no value") }
                value = "1"
            } else if value == nil {
                guard index + 1 < words.count, !words[index + 1].hasPrefix("--") else { throw UsageError("--\(key) needs a value") }
                index += 1
                value = words[index]
            }
            if values[key] != nil { throw UsageError("--\(key) is given twice") }
            values[key] = value
            index += 1
        }
        return try checked(values)
    }

    /// Its parameters as `owl analyses` shows them: `--metric METRIC [--by model|organization|country]`.
    var synopsis: String { parameters.map(\.synopsis).joined(separator: " ") }
}

extension Analysis.Parameter {
    /// How `owl analyses` shows it: `[--by country|organization|kind]`.
    var synopsis: String {
        var text = "--\(name) "
        switch type {
        case .date: text += "YYYY-MM-DD"
        case .integer: text += "N"
        case .choice: text += (choices ?? []).joined(separator: "|") + (multiple == true ? "[,…]" : "")
        case .metric: text += "METRIC"
        case .flag: text = "--\(name)"
        }
        return isRequired ? text : "[\(text)]"
    }
}

extension AnalysisArgumentError {
    /// The error in the words of the command line, where parameters are options.
    var commandLineMessage: String {
        switch self {
        case let .unknownAnalysis(name, suggestion):
            if let suggestion { return "no analysis named \(name); did you mean \(suggestion)?" }
            return "no analysis named \(name); the analyses are: \(Analysis.catalog.map(\.name).joined(separator: ", "))"
        case let .unknownParameter(key, analysis, suggestion):
            return "\(analysis.name) has no parameter --\(key)" + (suggestion.map { "; did you mean --\($0)?" } ?? "")
                + " (parameters: \(analysis.synopsis))"
        case let .missing(parameter, analysis):
            return "\(analysis) needs --\(parameter.name): \(parameter.help)"
        case let .invalidDate(parameter, raw):
            return "--\(parameter.name) must be a date that exists, written YYYY-MM-DD (got \"\(raw)\")"
        case let .notAWholeNumber(parameter, raw):
            return "--\(parameter.name) must be a whole number\(parameter.minimum.map { " of at least \($0)" } ?? "") (got \"\(raw)\")"
        case let .notAChoice(parameter, item, suggestion):
            return "--\(parameter.name) must be \(parameter.multiple == true ? "one or more, separated by commas, " : "one ")"
                + "of \((parameter.choices ?? []).joined(separator: ", ")) (got \"\(item)\")"
                + (suggestion.map { "; did you mean \($0)?" } ?? "")
        case let .emptyRange(from, to):
            return "--from \(from) is after --to \(to); the range would be empty"
        }
    }
}
