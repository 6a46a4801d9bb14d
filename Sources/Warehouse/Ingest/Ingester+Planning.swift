import Foundation

extension Ingester {
    /// Resolves paths (files or directories) to files in dependency order. Every file name
    /// that names no entity is reported at once, before anything loads. Without `format`, a
    /// file's format comes from its content (Hugging Face listings, Epoch AI's CSV) or extension.
    /// Folders are walked at any depth; `onSkip` hears of each file left out and why.
    public static func plan(paths: [String], into: Entity? = nil, format: SourceFormat? = nil,
                            mapping: ColumnMapping? = nil, onSkip: (_ path: String, _ reason: String) -> Void = { _, _ in }) throws -> [IngestFile] {
        var files: [IngestFile] = []
        var problems: [String] = []
        var copies: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard path == "-" || FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append("\(path): no such file or directory")
                continue
            }
            var candidates: [(name: String, readPath: String?)] = [(path, nil)]
            if path == "-" || isStream(path) {
                // Standard input or a pipe is read once: copied to a file, then loaded from it.
                let copy = try copyStream(path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path), named: path)
                copies.append(copy)
                candidates = [(path == "-" || path == "/dev/stdin" ? "<stdin>" : path, copy)]
            } else if isDirectory.boolValue {
                var visited: Set<String> = []
                var found: [String] = []
                try walk(path, into: &found, visited: &visited, onSkip: onSkip)
                candidates = found.map { ($0, nil) }
                if candidates.isEmpty { problems.append("\(path): the directory holds no data files") }
            }
            for (file, readPath) in candidates {
                let name = Paths.name(of: file)
                let stdin = file == "<stdin>"
                // A file named after an entity is in the interchange format, whatever it holds.
                let detected = mapping == nil && into == nil && Entity.forFileName(name) == nil ? SourceFormat.detect(path: readPath ?? file) : nil
                guard let fileFormat = format ?? detected ?? SourceFormat.forFileName(name) else {
                    problems.append(stdin ? "standard input has no file name to tell its format from; give --format csv, json or jsonl"
                                    : "\(file): cannot tell the format from the extension; use .csv, .json or .jsonl, or give --format")
                    continue
                }
                if !fileFormat.isInterchange {
                    files.append(IngestFile(path: file, readPath: readPath, entity: nil, format: fileFormat))
                    continue
                }
                if stdin && mapping?.entity == nil && into == nil {
                    problems.append("standard input has no file name to tell its entity from; give --into ENTITY")
                    continue
                }
                guard let entity = mapping?.entity ?? into ?? Entity.forFileName(name) else {
                    let stem = name.split(separator: ".").first.map(String.init) ?? name
                    var message = "\(file): the file name does not name an entity (\(Entity.allCases.map(\.rawValue).joined(separator: ", ")))"
                    if let suggestion = closest(to: stem, in: Entity.allCases.map(\.rawValue)) { message += "; did you mean \(suggestion)?" }
                    problems.append(message + "; or give --into ENTITY")
                    continue
                }
                files.append(IngestFile(path: file, readPath: readPath, entity: entity, format: fileFormat))
            }
        }
        if !problems.isEmpty {
            for copy in copies { try? FileManager.default.removeItem(atPath: copy) }
            throw WarehouseError(problems.joined(separator: "\n"))
        }
        // Dependency order; files that feed several entities come last. A stable sort keeps
        // the given order otherwise.
        func rank(_ file: IngestFile) -> Int { file.entity?.rank ?? Entity.allCases.count }
        return files.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// A pipe, FIFO or terminal rather than a regular file: it can be read only once.
    private static func isStream(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFCHR || type == S_IFSOCK
    }

    /// Copies a stream into a temporary file, chunk by chunk (memory stays flat).
    private static func copyStream(_ handle: FileHandle?, named name: String) throws -> String {
        guard let handle else { throw WarehouseError("\(name): cannot be read") }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("owl-stdin-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: copy, contents: nil), let out = FileHandle(forWritingAtPath: copy) else {
            throw WarehouseError("\(name): cannot make a temporary copy in \(FileManager.default.temporaryDirectory.path)")
        }
        defer { try? out.close() }
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
        } catch {
            try? FileManager.default.removeItem(atPath: copy)
            throw WarehouseError("\(name): reading or copying it failed: \(error.localizedDescription)")
        }
        return copy
    }

    /// The files under `folder` at any depth, each folder's entries in name order. Hidden
    /// files and folders and documentation (README, LICENSE, *.md) are left out and reported;
    /// a folder reached twice through a symbolic link is walked once.
    private static func walk(_ folder: String, into files: inout [String], visited: inout Set<String>,
                             onSkip: (String, String) -> Void) throws {
        guard visited.insert((folder as NSString).resolvingSymlinksInPath).inserted else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            let path = (folder as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let upper = name.uppercased()
            if name.hasPrefix(".") {
                onSkip(path, "hidden")
            } else if isDirectory.boolValue {
                try walk(path, into: &files, visited: &visited, onSkip: onSkip)
            } else if upper.hasSuffix(".MD") || (["README", "LICENSE", "LICENCE", "COPYING", "NOTICE"].contains { upper.hasPrefix($0) }
                                                 && SourceFormat.forFileName(name) == nil) {
                onSkip(path, "documentation")
            } else {
                files.append(path)
            }
        }
    }
}
