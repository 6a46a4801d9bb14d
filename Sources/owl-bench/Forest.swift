import Foundation

/// The lineage benchmark's dataset: 200,000 models of the 1,000 organizations, released one
/// after another over 2023–2025, most derived from an earlier model (a random forest of
/// bases, chains at most 6 deep, one model in twenty a merge of two bases). Deterministic.
/// Scale N has N times the models and the organizations.
struct Forest {
    static let maxDepth = 6
    static let relations = ["finetune", "quantized", "adapter", "other"]

    let folder: String
    let scale: Int

    var models: Int { 200_000 * scale }
    var organizations: Int { 1_000 * scale }

    var modelsPath: String { folder + "/models.csv" }
    var basesPath: String { folder + "/model_bases.csv" }
    var organizationsPath: String { folder + "/organizations.csv" }

    func modelID(_ m: Int) -> String { String(format: "org-%04d/lineage-%06d", m % organizations, m) }

    /// Writes the three files unless they exist; returns the number of model_bases rows.
    @discardableResult
    func generate() throws -> Int {
        let marker = folder + "/forest-v1.marker"
        if FileManager.default.fileExists(atPath: marker) {
            return max(0, (try String(contentsOfFile: basesPath, encoding: .utf8)).split(separator: "\n").count - 1)
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var text = "id,name,country,kind,hf_namespaces\n"
        for o in 0..<organizations {
            text += String(format: "org-%04d,Organization %d,%@,%@,org-%04d\n", o, o, Dataset.countries[o % 10], Dataset.kinds[o % 5], o)
        }
        try text.write(toFile: organizationsPath, atomically: true, encoding: .utf8)

        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let start = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2023, month: 1, day: 1).date!
        var seed: UInt64 = 13
        func random(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        var depth = [UInt8](repeating: 0, count: self.models)
        var models = "id,organization,name,released_on\n"
        var bases = "model,base,relation\n"
        var rows = 0
        /// An earlier model whose chain leaves room for one more step, if a few draws find one.
        func base(before m: Int) -> Int? {
            for _ in 0..<4 {
                let candidate = random(m)
                if depth[candidate] < Forest.maxDepth { return candidate }
            }
            return nil
        }
        for m in 0..<self.models {
            let released = formatter.string(from: start.addingTimeInterval(Double(m * 1_095 / self.models) * 86_400))
            models += "\(modelID(m)),org-\(String(format: "%04d", m % organizations)),Lineage \(m),\(released)\n"
            // The first 2,000 are roots; after them four in five models have a base.
            guard m >= 2_000, random(5) > 0, let first = base(before: m) else { continue }
            var chosen = [first]
            if random(20) == 0, let second = base(before: m), second != first { chosen.append(second) }
            let relation = chosen.count > 1 ? "merge" : Forest.relations[random(Forest.relations.count)]
            for b in chosen {
                bases += "\(modelID(m)),\(modelID(b)),\(relation)\n"
                rows += 1
            }
            depth[m] = chosen.map { depth[$0] }.max()! + 1
        }
        try models.write(toFile: modelsPath, atomically: true, encoding: .utf8)
        try bases.write(toFile: basesPath, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        return rows
    }
}
