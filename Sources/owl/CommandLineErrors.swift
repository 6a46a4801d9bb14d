import ArgumentParser
import Warehouse

/// A command line that is wrong in a way found after parsing, worded for the command line.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What an error says to a person at the command line, and whether it is the command
/// line's fault (exit 2) rather than the database's, the data's, a file's or the
/// network's (exit 1). The library's typed errors are worded here, with the flags that
/// set their values.
func commandLineWording(of error: Error) -> (message: String, usage: Bool) {
    switch error {
    case let error as UsageError: return (error.description, true)
    case let error as AnalysisArgumentError: return (error.commandLineMessage, true)
    case let error as ExportError: return (error.commandLineMessage, true)
    case let error as ChartError:
        switch error {
        case let .noColumn(chart, columns):
            return ("--chart \(chart): no column \(chart) in the result; the columns are \(columns.joined(separator: ", "))", true)
        case let .nothingToDraw(rows):
            return ("--format svg draws a chart, and the result has no numeric column to draw (\(rows) rows)", false)
        }
    case let error as AdHocQueryError: return (error.commandLineMessage, false)
    case let error as DatabaseFileError:
        switch error {
        case let .missing(path): return ("\(error); run `owl init --db \(path)`", false)
        case let .notOwls(path): return ("\(error); `owl init --force --db \(path)` adds owl's tables to it", false)
        case let .folder(path, exists):
            return ("\(path) \(exists ? "is a directory" : "names a folder"); --db needs a database file path, e.g. \(Paths.join(path, "owl.sqlite"))", false)
        case let .behindAndNotWritable(path, _, _), let .lacksMigrationsAndNotWritable(path, _):
            return ("\(error); run `owl migrate --db \(path)` where it is", false)
        }
    case let error as HubPullError: return (error.commandLineMessage, false)
    case let error as ColumnMappingError: return (error.message(howToAdd: "add --column FIELD=SOURCE or --set FIELD=VALUE"), true)
    case let error as IngestPlanError:
        return (error.message { problem in
            switch problem {
            case .unknownFormat(nil): return "give --format csv, json or jsonl"
            case .unknownFormat: return "give --format"
            default: return "give --into ENTITY"
            }
        }, false)
    case let error as OutputExists:
        guard let folder = error.folder else { return ("\(error.path) already exists; give --force to replace it", false) }
        return ("\(error.path) already exists; give --force to replace the files in \(folder)", false)
    default: return ("\(error)", false)
    }
}

/// For `validate()`: runs checks that need no database, turning what they throw into the
/// `ValidationError` that makes ArgumentParser exit 2 with the usage line.
func checkingCommandLine<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ValidationError {
        throw error
    } catch {
        throw ValidationError(commandLineWording(of: error).message)
    }
}

extension ExportError {
    /// The error in the words of `owl export`'s options.
    var commandLineMessage: String {
        switch self {
        case let .invalidDate(date):
            return "--from and --to take a date that exists, written YYYY-MM-DD (got \"\(date)\")"
        case let .emptyRange(from, to):
            return "--from \(from) is after --to \(to); the range would be empty"
        case let .unknownCountry(country, suggestion):
            return "--country takes an ISO 3166-1 alpha-2 code such as US, CN or FR (got \"\(country)\")" + (suggestion.map { "; did you mean \($0)?" } ?? "")
        case let .notFiltered(entity):
            return "\(entity.rawValue) have no organization, country or date to filter on"
        case let .noDate(entity):
            return "\(entity.rawValue) have no date; --from and --to apply to releases, models and observations"
        case let .notInterchangeFormat(format):
            return "export all writes the interchange format: csv, json or jsonl (got \(format.rawValue))"
        case let .notPartitionFormat(format):
            return "a partitioned export writes csv or jsonl parts, the formats Hive-style readers take (got \(format.rawValue))"
        }
    }
}

extension AdHocQueryError {
    /// The error in the words of `owl query`'s options.
    var commandLineMessage: String {
        switch self {
        case let .notAllowed(functions):
            return "refused: --sql runs read-only SQL; ATTACH, DETACH, pragmas that set a value and functions that reach outside the data "
                + "(\(functions.joined(separator: ", "))) are not allowed"
        case .severalStatements:
            return "refused: --sql runs exactly one statement; send them one at a time"
        case .writes:
            return "refused: --sql runs read-only SQL; this statement would change the database (use owl ingest to load data)"
        case let .unknownParameter(name):
            return "--param \(name): the SQL has no parameter :\(name)"
        case let .unboundParameter(name):
            return "the SQL uses :\(name); give it with --param \(name)=VALUE"
        case let .stopped(seconds):
            return "the query was stopped after \(seconds.map(Numbers.text) ?? "?") s (--timeout); give --timeout SECONDS for longer, or --timeout 0 for no limit"
        case let .outOfMemory(limit):
            return "the query was stopped: it needs more memory than \(limit.map { "the \($0) MiB" } ?? "the") --memory-limit allows "
                + "(sorts and temporary results are held in memory); give --memory-limit MIB for more"
        }
    }
}

extension HubPullError {
    /// The error with the options of `owl pull hf` that mend it.
    var commandLineMessage: String {
        switch self {
        case let .alreadyHoldsAPull(folder):
            return "\(folder): already holds a pull (\(HubSnapshot.manifestName)); give another --keep folder, or --resume to continue it"
        case let .waitTooLong(file, url, seconds, maxWait):
            return "\(file): the Hub asked to wait \(seconds) s before \(url) (HTTP 429), more than --max-wait \(maxWait) s; "
                + "the pull stopped there (`owl pull hf --resume` continues it)"
        case let .refused(file, url, status, body):
            let hint = status == 401 || status == 403 ? " (check $HF_TOKEN)" : (300..<400).contains(status) ? " (a redirect, not followed: give the --endpoint it names)" : ""
            return "\(file): HTTP \(status) for \(url)\(hint): \(body)"
        case .gaveUp:
            return "\(self) (`owl pull hf --resume` continues it)"
        case let .busy(_, folder):
            return "\(self) (--wait gives it longer; `owl pull hf --resume` loads the pages kept in \(folder))"
        }
    }
}

extension FileReport.Failure {
    /// Why a file was not loaded, with what `owl ingest` offers about it.
    var ingestMessage: String {
        switch self {
        case .invalidRows: "\(self) (fix them, or give --skip-invalid to load the valid rows and keep the rest as rejects)"
        case .busy: "\(self) (--wait gives it longer)"
        case .unreadable: "\(self)"
        }
    }
}
