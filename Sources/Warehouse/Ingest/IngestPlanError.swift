/// The paths `Ingester.plan` cannot load, all at once, with the values; the description
/// says the facts, the CLI adds --format and --into.
public struct IngestPlanError: Error, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        /// No file or folder at the path.
        case missing(String)
        /// A folder that holds no data files.
        case emptyFolder(String)
        /// A file (nil: standard input) whose format neither its content nor its extension tells.
        case unknownFormat(String?)
        /// A file (nil: standard input) whose name names no entity; `suggestion` is the closest entity.
        case unknownEntity(String?, suggestion: String?)
    }

    public let problems: [Problem]

    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// Each problem, one a line, with `hint` saying how to name what is missing.
    public func message(hint: (Problem) -> String) -> String {
        problems.map { problem in
            switch problem {
            case let .missing(path): return "\(path): no such file or directory"
            case let .emptyFolder(path): return "\(path): the directory holds no data files"
            case .unknownFormat(nil): return "standard input has no file name to tell its format from; \(hint(problem))"
            case let .unknownFormat(file?): return "\(file): cannot tell the format from the extension; use .csv, .json or .jsonl, or \(hint(problem))"
            case .unknownEntity(nil, _): return "standard input has no file name to tell its entity from; \(hint(problem))"
            case let .unknownEntity(file?, suggestion):
                return "\(file): the file name does not name an entity (\(Entity.allCases.map(\.rawValue).joined(separator: ", ")))"
                    + (suggestion.map { "; did you mean \($0)?" } ?? "") + "; or \(hint(problem))"
            }
        }.joined(separator: "\n")
    }

    public var description: String {
        message { problem in
            if case .unknownEntity = problem { return "name the entity" }
            return "name the format"
        }
    }
}
