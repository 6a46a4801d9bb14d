// swift-tools-version:6.2
import Foundation
import PackageDescription

// OWL_FUZZ=1 builds the readers with libFuzzer and AddressSanitizer for owl-fuzz (.ci/fuzz);
// per target, so the build tools keep their own main.
let fuzzing = ProcessInfo.processInfo.environment["OWL_FUZZ"] != nil
let fuzzSwift: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("FUZZING")] : []
let fuzzLink: [LinkerSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []

let package = Package(
    name: "owl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "owl", targets: ["owl"]),
        .library(name: "Warehouse", targets: ["Warehouse"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // The system libsqlite3, seen from Swift.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // A thin, domain-free Swift layer over CSQLite.
        .target(name: "SQLiteDB", dependencies: ["CSQLite"], swiftSettings: fuzzSwift),
        // Turns Migrations/*.sql and the analyses' SQL into Swift source at build time,
        // so the owl binary is self-contained.
        .executableTarget(name: "embed-sql", path: "Plugins/EmbedSQLTool"),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["embed-sql"]),
        // The domain: migrations, readers, ingest, analyses, export.
        .target(name: "Warehouse", dependencies: ["SQLiteDB", .product(name: "Crypto", package: "swift-crypto"), "TOMLKit"], exclude: ["Analyses"], swiftSettings: fuzzSwift, plugins: ["EmbedSQL"]),
        // The command-line tool: parses arguments, calls Warehouse, prints.
        .executableTarget(
            name: "owl",
            dependencies: ["Warehouse", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Benchmarks against the sqlite3 shell and DuckDB: swift run -c release owl-bench …
        .executableTarget(
            name: "owl-bench",
            dependencies: ["Warehouse", "SQLiteDB", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // libFuzzer targets for the readers (see .ci/fuzz); built plainly, a replayer.
        .executableTarget(name: "owl-fuzz", dependencies: ["Warehouse"], swiftSettings: fuzzSwift, linkerSettings: fuzzLink),
        .testTarget(name: "SQLiteDBTests", dependencies: ["SQLiteDB"]),
        .testTarget(name: "WarehouseTests", dependencies: ["Warehouse", "SQLiteDB", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "OwlCLITests", dependencies: ["SQLiteDB"]),
    ],
    // Complete concurrency checking: the compiler proves the ingest threads share nothing unsafely.
    swiftLanguageModes: [.v6]
)
