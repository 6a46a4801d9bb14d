import Foundation
import Testing

// The installed binary (`make install PREFIX=…`, as the README says): it needs no Swift
// runtime or Foundation library, carries its man page, and works from an empty folder.
// A static release build is too slow for the test suite, so .ci/run installs it and names
// the prefix in OWL_INSTALLED_PREFIX; under CI (CI=true, or .ci/run) a missing prefix fails.

private let installedPrefix = ProcessInfo.processInfo.environment["OWL_INSTALLED_PREFIX"]
private let underCI = ProcessInfo.processInfo.environment["CI"] == "true"

@Suite(.enabled(if: installedPrefix != nil || underCI,
                "set OWL_INSTALLED_PREFIX to a `make install PREFIX=…` folder (.ci/run does)"))
struct InstallTests {
    func prefix() throws -> URL {
        let path = try #require(installedPrefix, "OWL_INSTALLED_PREFIX is unset: run `make install PREFIX=DIR` and set it to DIR (.ci/run does both)")
        let prefix = URL(fileURLWithPath: path)
        try #require(FileManager.default.isExecutableFile(atPath: prefix.appending(path: "bin/owl").path),
                     "no executable \(prefix.path)/bin/owl: run `make install PREFIX=\(prefix.path)` first")
        return prefix
    }

    func run(_ executable: String, _ arguments: [String], in folder: URL) throws -> Run {
        try runProcess(URL(fileURLWithPath: executable), arguments, in: folder)
    }

    @Test func theInstalledBinaryNeedsNoSwiftRuntimeOrFoundation() throws {
        let owl = try prefix().appending(path: "bin/owl").path
        let ldd = try run("/usr/bin/ldd", [owl], in: URL(fileURLWithPath: "/"))
        #expect(ldd.status == 0, "\(ldd.stderr)")
        let libraries = ldd.stdout.split(separator: "\n").compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) }
        #expect(libraries.contains("libsqlite3.so.0"), "\(ldd.stdout)")
        // Neither the Swift runtime (libswiftCore, libswift_*), nor Foundation, nor the
        // libdispatch and ICU that come with the toolchain.
        let toolchain = libraries.filter { $0.hasPrefix("libswift") || $0.contains("Foundation") || $0.hasPrefix("libdispatch")
            || $0.hasPrefix("libBlocksRuntime") || $0.hasPrefix("lib_FoundationICU") || $0.hasPrefix("libicu") }
        #expect(toolchain.isEmpty, "toolchain libraries needed: \(toolchain)\n\(ldd.stdout)")
        // The README lists what the binary itself needs: SQLite, libcurl (Foundation's
        // URLSession, for `owl pull hf`), the C++ runtime and the C library.
        let readelf = try run("/usr/bin/readelf", ["-d", owl], in: URL(fileURLWithPath: "/"))
        let needed = Set(readelf.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
            line.split(separator: "[").last?.split(separator: "]").first.map(String.init)
        }.filter { !$0.hasPrefix("ld-linux") })
        #expect(needed == ["libsqlite3.so.0", "libcurl.so.4", "libstdc++.so.6", "libgcc_s.so.1", "libm.so.6", "libc.so.6"], "\(readelf.stdout)")
        // Every other library ldd lists comes in through libcurl (its TLS, HTTP/2, … libraries).
        let curlPath = ldd.stdout.split(separator: "\n").first { $0.contains("libcurl.so.4 =>") }?
            .split(separator: " ").first { $0.hasPrefix("/") }.map(String.init)
        let curl = try run("/usr/bin/ldd", [try #require(curlPath, "\(ldd.stdout)")], in: URL(fileURLWithPath: "/"))
        let throughCurl = Set(curl.stdout.split(separator: "\n").compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) })
        let others = libraries.filter { !needed.contains($0) && !throughCurl.contains($0) && $0 != "linux-vdso.so.1" && !$0.contains("ld-linux") }
        #expect(others.isEmpty, "libraries the README does not account for: \(others)\n\(ldd.stdout)")
    }

    @Test func theManPageIsInstalledBesideIt() throws {
        let page = try prefix().appending(path: "share/man/man1/owl.1")
        let text = try String(contentsOf: page, encoding: .utf8)
        // mdoc: the page names the tool and documents its subcommands.
        #expect(text.contains(".Dt OWL 1"), "\(text.prefix(300))")
        for command in ["init", "ingest", "query", "export", "status"] {
            #expect(text.contains(command), "the man page does not mention \(command)")
        }
    }

    @Test func theInstalledCopyWorksFromAnEmptyFolder() throws {
        let owl = try prefix().appending(path: "bin/owl").path
        let folder = FileManager.default.temporaryDirectory.appending(path: "owl-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)

        let initRun = try run(owl, ["init"], in: folder)
        #expect(initRun.status == 0, "\(initRun.stderr)")
        try Data("id,name,country,kind\nlab,A Lab,FR,academic\n".utf8).write(to: folder.appending(path: "organizations.csv"))
        let ingest = try run(owl, ["ingest", "organizations.csv"], in: folder)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let query = try run(owl, ["query", "--sql", "SELECT id, country FROM organizations", "--format", "csv"], in: folder)
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.stdout.replacingOccurrences(of: "\r\n", with: "\n") == "id,country\nlab,FR\n", "\(query.stdout)")
        // The prepared analyses are inside the binary, not read from the source tree.
        let analyses = try run(owl, ["analyses"], in: folder)
        #expect(analyses.status == 0 && analyses.stdout.contains("leaderboard"), "\(analyses.stdout)\(analyses.stderr)")
    }
}
