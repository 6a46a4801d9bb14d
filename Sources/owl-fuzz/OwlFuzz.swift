import Foundation
import Synchronization
import Warehouse

// Fuzzing owl's readers: each input is written to a file and loaded (a dry run, rolled back)
// through the same path `owl ingest` takes. OWL_FUZZ_READER picks the reader: csv, json,
// jsonl, hf-models, epoch, open-llm-leaderboard, or map (a --map JSON file). Any outcome but a crash is fine:
// a bad input must end in an error, never a trap.
//
// Built with libFuzzer and AddressSanitizer (see .ci/fuzz):
//   OWL_FUZZ=1 swift build -c release --build-path .build/fuzz --product owl-fuzz
//   OWL_FUZZ_READER=json .build/fuzz/release/owl-fuzz Tests/Fuzz/corpus/json -max_total_time=20
// Built plainly, `owl-fuzz FILE…` replays inputs (a crash found by the fuzzer, say).

enum FuzzReader: String, CaseIterable {
    case csv, json, jsonl, hfModels = "hf-models", epoch, openLLMLeaderboard = "open-llm-leaderboard", map
}

final class FuzzHarness {
    /// One harness for the process (libFuzzer's entry point takes no context), behind a lock
    /// because the warehouse it holds is not `Sendable`; libFuzzer calls from one thread, so
    /// the lock is never contended.
    static let shared = Mutex(FuzzHarness())

    let reader: FuzzReader
    let folder: String
    let warehouse: Warehouse

    private init() {
        let name = ProcessInfo.processInfo.environment["OWL_FUZZ_READER"] ?? "csv"
        guard let reader = FuzzReader(rawValue: name) else {
            fatalError("OWL_FUZZ_READER must be one of \(FuzzReader.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
        }
        self.reader = reader
        folder = NSTemporaryDirectory() + "owl-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        do {
            warehouse = try Warehouse(path: "file:owl-fuzz?mode=memory&cache=private")
        } catch {
            fatalError("cannot open an in-memory warehouse: \(error)")
        }
    }

    /// Loads `bytes` with the chosen reader; errors are the expected outcome of most inputs.
    /// JSON and JSON Lines inputs are loaded twice: as models (the general path) and as
    /// observations (the bulk path).
    func run(_ bytes: Data) {
        switch reader {
        case .csv, .epoch, .openLLMLeaderboard: load(bytes, as: folder + "/observations.csv")
        case .hfModels, .map: load(bytes, as: folder + "/models.json")
        case .json, .jsonl:
            for entity in ["models", "observations"] { load(bytes, as: folder + "/\(entity).\(reader.rawValue)") }
        }
    }

    private func load(_ bytes: Data, as path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: bytes)
        do {
            var options = IngestOptions(dryRun: true, skipInvalid: true, observedOn: "2025-06-01")
            var format: SourceFormat?
            switch reader {
            case .csv, .json, .jsonl: format = nil
            case .hfModels: format = .hfModels
            case .epoch: format = .epoch
            case .openLLMLeaderboard: format = .openLLMLeaderboard
            case .map:
                options.mapping = try ColumnMapping.load(path: path, into: nil)
                return
            }
            let files = try Ingester.plan(paths: [path], format: format)
            _ = try Ingester(warehouse: warehouse, options: options).ingest(files)
        } catch {
            // A located error: what a bad input should produce.
        }
    }
}

/// libFuzzer's entry: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeRawBufferPointer(start: data, count: size))
    FuzzHarness.shared.withLock { $0.run(bytes) }
    return 0
}

#if FUZZING
/// libFuzzer's driver (its own `main` is not linked: SwiftPM names this target's main for it).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif

@main
struct OwlFuzz {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = Optional(CommandLine.unsafeArgv)
        exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        #else
        replay(CommandLine.arguments.dropFirst())
        #endif
    }

    /// Runs each file through the reader, as the fuzzer would.
    static func replay(_ paths: ArraySlice<String>) {
        if paths.isEmpty {
            FileHandle.standardError.write(Data("usage: OWL_FUZZ_READER=READER owl-fuzz FILE…  (replays inputs through a reader)\n".utf8))
            exit(2)
        }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): cannot read\n".utf8))
                exit(1)
            }
            FuzzHarness.shared.withLock { $0.run(data) }
            print("\(path): no crash")
        }
    }
}
