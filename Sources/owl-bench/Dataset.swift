import Foundation

/// The deterministic benchmark dataset: at scale 1, 1,000 organizations, 40,000 models, a
/// 7-day window metric snapshotted weekly (up to 250 observations per model, about 5 million
/// rows), and for the analyses a 30-day window metric snapshotted every four weeks, monthly
/// cumulative likes and one score per model. Scale N has N times the organizations and the
/// models, each model with the same series as at scale 1, so every table grows N times.
struct Dataset {
    static let maxWeeks = 250
    static let countries = ["CN", "US", "FR", "DE", "GB", "CA", "KR", "AE", "IL", "JP"]
    static let kinds = ["company", "academic", "nonprofit", "community", "government"]
    static let firstWeek = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2021, month: 1, day: 3).date!

    let folder: String
    let scale: Int

    var organizations: Int { 1_000 * scale }
    var models: Int { 40_000 * scale }

    var observationsPath: String { folder + "/observations.csv" }
    /// The same observations as JSON Lines and as a JSON array, in `owl export`'s layout.
    var observationsJSONLinesPath: String { folder + "/observations.jsonl" }
    var observationsJSONPath: String { folder + "/observations.json" }
    /// 30-day downloads and likes (every four weeks) and one score per model, for the analyses benchmark.
    var extraObservationsPath: String { folder + "/extra-observations.csv" }

    /// Weeks of observations for model `m`: between 1 and 250, deterministic.
    static func weeks(of model: Int) -> Int { maxWeeks - (model &* 7919) % maxWeeks }

    func modelID(_ m: Int) -> String { String(format: "org-%04d/model-%05d", m % organizations, m) }

    /// Whether every file `generate` and `writeJSONForms` write is there from an earlier run.
    var isComplete: Bool {
        fileSize(observationsPath) > 0 && FileManager.default.fileExists(atPath: folder + "/extra-observations-v2.marker")
            && fileSize(observationsJSONLinesPath) > 0 && fileSize(observationsJSONPath) > 0
    }

    /// Writes the four files unless they already exist; returns the number of observations.
    @discardableResult
    func generate() throws -> Int {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let expected = (0..<models).reduce(0) { $0 + Dataset.weeks(of: $1) }
        if fileSize(observationsPath) > 0
            && FileManager.default.fileExists(atPath: folder + "/extra-observations-v2.marker") { return expected }
        var text = "id,name,country,kind,hf_namespaces\n"
        for o in 0..<organizations {
            text += String(format: "org-%04d,Organization %d,%@,%@,org-%04d\n", o, o, Dataset.countries[o % 10], Dataset.kinds[o % 5], o)
        }
        try text.write(toFile: folder + "/organizations.csv", atomically: true, encoding: .utf8)
        text = "id,organization,name,released_on,params_total_b,architecture,openness\n"
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let openness = ["open-source", "open-weights", "restricted-weights", "closed"]
        for m in 0..<models {
            let firstWeek = Dataset.maxWeeks - Dataset.weeks(of: m)
            let released = formatter.string(from: Dataset.firstWeek.addingTimeInterval(Double(firstWeek * 7 - 3) * 86_400))
            text += "\(modelID(m)),org-\(String(format: "%04d", m % organizations)),Model \(m),\(released),\(1 + m % 70),dense,\(openness[m % 4])\n"
        }
        try text.write(toFile: folder + "/models.csv", atomically: true, encoding: .utf8)
        try """
            id,name,unit,kind,window_days,higher_is_better
            hf_downloads_7d,Hugging Face downloads in 7 days,downloads,window,7,true
            hf_downloads_30d,Hugging Face downloads in 30 days,downloads,window,30,true
            hf_likes,Hugging Face likes,likes,cumulative,,true
            bench_score,Benchmark score,points,score,,true

            """.write(toFile: folder + "/metrics.csv", atomically: true, encoding: .utf8)

        var dates: [String] = []
        for week in 0..<Dataset.maxWeeks {
            dates.append(formatter.string(from: Dataset.firstWeek.addingTimeInterval(Double(week * 7) * 86_400)))
        }
        _ = FileManager.default.createFile(atPath: observationsPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: observationsPath))
        defer { try? handle.close() }
        var chunk = "model,metric,observed_on,value\n"
        var seed: UInt64 = 42
        var rows = 0
        for m in 0..<models {
            let id = modelID(m)
            let weeks = Dataset.weeks(of: m)
            for week in (Dataset.maxWeeks - weeks)..<Dataset.maxWeeks {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                chunk += "\(id),hf_downloads_7d,\(dates[week]),\((seed >> 33) % 1_000_000)\n"
                rows += 1
            }
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
        precondition(rows == expected)

        var extra = "model,metric,observed_on,value\n"
        for m in 0..<models {
            let id = modelID(m)
            var likes = 0
            for month in stride(from: Dataset.maxWeeks - Dataset.weeks(of: m), to: Dataset.maxWeeks, by: 4) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                likes += Int((seed >> 33) % 500)
                extra += "\(id),hf_likes,\(dates[month]),\(likes)\n"
            }
            for month in stride(from: Dataset.maxWeeks - Dataset.weeks(of: m), to: Dataset.maxWeeks, by: 4) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                extra += "\(id),hf_downloads_30d,\(dates[month]),\((seed >> 33) % 4_000_000)\n"
            }
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            extra += "\(id),bench_score,\(dates[Dataset.maxWeeks - 1]),\(Double((seed >> 33) % 10_000) / 100)\n"
        }
        try extra.write(toFile: extraObservationsPath, atomically: true, encoding: .utf8)
        // Folders generated before the 30-day metric existed are made anew.
        _ = FileManager.default.createFile(atPath: folder + "/extra-observations-v2.marker", contents: nil)
        return rows
    }

    /// Writes observations.csv's rows as JSON Lines and as a JSON array (same fields, the
    /// value a number), unless both are there already. Each goes to a temporary name first,
    /// so a run stopped halfway leaves nothing to reuse.
    func writeJSONForms() throws {
        let targets = [(observationsJSONLinesPath, false), (observationsJSONPath, true)]
        guard targets.contains(where: { fileSize($0.0) == 0 }) else { return }
        guard let input = FileHandle(forReadingAtPath: observationsPath) else { throw BenchError("\(observationsPath): cannot be read") }
        defer { try? input.close() }
        var outputs: [(handle: FileHandle, path: String, array: Bool)] = []
        for (path, array) in targets {
            _ = FileManager.default.createFile(atPath: path + ".partial", contents: nil)
            outputs.append((try FileHandle(forWritingTo: URL(fileURLWithPath: path + ".partial")), path, array))
        }
        var lines: [UInt8] = [], arrayText: [UInt8] = Array("[".utf8)
        var pending: [UInt8] = [], header = true, first = true
        func flush(force: Bool) {
            guard force || lines.count > 1 << 20 else { return }
            outputs[0].handle.write(Data(lines))
            outputs[1].handle.write(Data(arrayText))
            lines.removeAll(keepingCapacity: true)
            arrayText.removeAll(keepingCapacity: true)
        }
        /// One CSV line of the generated file (model,metric,observed_on,value; no quotes).
        func convert(_ line: ArraySlice<UInt8>) {
            let cells = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            guard cells.count == 4 else { return }
            var object: [UInt8] = []
            for (index, name) in ["model", "metric", "observed_on"].enumerated() {
                object += Array((index == 0 ? "{\"" : ", \"").utf8) + Array(name.utf8) + Array("\": \"".utf8) + cells[index] + [UInt8(ascii: "\"")]
            }
            object += Array(", \"value\": ".utf8) + cells[3] + [UInt8(ascii: "}")]
            lines += object + [UInt8(ascii: "\n")]
            arrayText += Array((first ? "\n" : ",\n").utf8) + object
            first = false
        }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending += chunk
            var start = pending.startIndex
            while let end = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if header { header = false } else { convert(pending[start..<end]) }
                start = end + 1
            }
            pending.removeFirst(start)
            flush(force: false)
        }
        if !pending.isEmpty && !header { convert(pending[...]) }
        arrayText += Array("\n]\n".utf8)
        flush(force: true)
        for output in outputs {
            try output.handle.close()
            try? FileManager.default.removeItem(atPath: output.path)
            try FileManager.default.moveItem(atPath: output.path + ".partial", toPath: output.path)
        }
    }
}
