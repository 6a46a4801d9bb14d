import Foundation
import PackagePlugin

/// Embeds the package's `Migrations/*.sql` and the target's `Analyses/*` files into the
/// target as Swift string literals, so the built binary needs no files beside it.
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folders = [
            ("migrations", context.package.directoryURL.appending(path: "Migrations")),
            ("analyses", target.directoryURL.appending(path: "Analyses")),
        ]
        var arguments: [String] = []
        var inputs: [URL] = []
        for (group, folder) in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".sql") || name.hasSuffix(".json") {
                let file = folder.appending(path: name)
                inputs.append(file)
                arguments.append("\(group)=\(file.path)")
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) SQL and metadata files",
                executable: try context.tool(named: "embed-sql").url,
                arguments: [output.path] + arguments,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
