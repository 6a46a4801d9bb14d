import ArgumentParser
import Warehouse

/// What an error says to a person at the command line, and whether it is the command
/// line's fault (exit 2) rather than the database's, the data's, a file's or the
/// network's (exit 1). The library's typed errors are worded here, with the flags that
/// set their values.
func commandLineWording(of error: Error) -> (message: String, usage: Bool) {
    switch error {
    case let error as UsageError: return (error.description, true)
    case let error as AnalysisArgumentError: return (error.commandLineMessage, true)
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
