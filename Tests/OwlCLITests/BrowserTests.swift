import Foundation
import Testing

/// The seeds' report opened in a real browser: headless Chromium (Debian's `chromium`, which
/// .ci/run installs) draws it, and its DOM holds every chart's marks with no script error.
@Suite struct BrowserTests {
    /// The Chromium on PATH; a test that needs it fails, naming it, when it is missing.
    static func chromium() throws -> String {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) { return folder + "/" + name }
        }
        try #require(Bool(false), "no chromium on PATH: the browser tests need Debian's chromium (.ci/run installs it: apt-get install chromium)")
        return ""
    }

    /// Runs headless Chromium on `page` with its own profile; returns standard output and error.
    static func browse(_ page: String, in folder: String, _ arguments: [String]) throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try chromium())
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--user-data-dir=\(folder)/profile-\(UUID().uuidString)"] + arguments + [URL(fileURLWithPath: page).absoluteString]
        // Files, not pipes: a large DOM cannot fill a pipe and stall the browser.
        let out = URL(fileURLWithPath: "\(folder)/.chromium-\(UUID().uuidString).out"), err = URL(fileURLWithPath: out.path + ".err")
        for file in [out, err] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        defer { for file in [out, err] { try? FileManager.default.removeItem(at: file) } }
        (process.standardOutput, process.standardError) = (try FileHandle(forWritingTo: out), try FileHandle(forWritingTo: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        let finished = !process.isRunning
        if !finished { process.terminate() }
        process.waitUntilExit()
        try #require(finished, "chromium did not finish \(page) within 120 s")
        let output = try Data(contentsOf: out), errors = try Data(contentsOf: err)
        return (String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    /// The page's own console messages (errors included); Chromium's GPU, D-Bus and other
    /// messages about itself are not the page's.
    static func pageConsole(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
    }

    @Test func theSeedsReportRendersToAPictureThatIsNotBlank() throws {
        let (seeds, _, path) = try ReportTests.seedsReport()
        let folder = seeds.box.folder.path
        let png = folder + "/report.png"
        _ = try Self.browse(path, in: folder, ["--screenshot=\(png)", "--window-size=1000,3000"])
        let image = try #require(FileManager.default.contents(atPath: png), "chromium wrote no screenshot at \(png)")
        // Chromium measures its own picture: a page that draws the PNG on a canvas (a data:
        // URL keeps the canvas readable) and writes the luminance statistics into the DOM.
        let check = folder + "/check.html"
        try Data("""
            <!DOCTYPE html><html><body><img id="shot" src="data:image/png;base64,\(image.base64EncodedString())">
            <script>
            const img = document.getElementById("shot");
            function measure() {
              const canvas = document.createElement("canvas");
              canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
              const context = canvas.getContext("2d");
              context.drawImage(img, 0, 0);
              const d = context.getImageData(0, 0, canvas.width, canvas.height).data;
              let n = 0, sum = 0, squares = 0, dark = 0, coloured = 0;
              for (let k = 0; k < d.length; k += 4) {
                const l = 0.299 * d[k] + 0.587 * d[k + 1] + 0.114 * d[k + 2];
                n++; sum += l; squares += l * l;
                if (l < 128) dark++;
                if (Math.max(d[k], d[k + 1], d[k + 2]) - Math.min(d[k], d[k + 1], d[k + 2]) > 60) coloured++;
              }
              const mean = sum / n;
              document.body.setAttribute("data-measured", [canvas.width, canvas.height, squares / n - mean * mean, dark / n, coloured / n].join(" "));
            }
            if (img.complete) measure(); else img.onload = measure;
            </script></body></html>
            """.utf8).write(to: URL(fileURLWithPath: check))
        let dom = try Self.browse(check, in: folder, ["--virtual-time-budget=10000", "--dump-dom"]).stdout
        let measured = try #require(dom.components(separatedBy: "data-measured=\"").dropFirst().first, "the check page measured nothing: \(dom.prefix(300))")
        let figures = measured.prefix { $0 != "\"" }.split(separator: " ").compactMap { Double($0) }
        try #require(figures.count == 5)
        // The window asked for; a blank page has variance 0 and no dark or coloured pixel.
        #expect(figures[0] == 1000 && figures[1] == 3000)
        #expect(figures[2] > 100, "luminance variance \(figures[2]): the picture is nearly blank")
        #expect(figures[3] > 0.005, "dark pixels \(figures[3]): no text was drawn")
        #expect(figures[4] > 0.005, "coloured pixels \(figures[4]): no chart was drawn")
    }

    @Test func theSeedsReportsDOMHoldsEveryChartsMarksAndNoScriptError() throws {
        let (seeds, _, path) = try ReportTests.seedsReport()
        let (dom, stderr) = try Self.browse(path, in: seeds.box.folder.path, ["--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0", "--dump-dom"])
        #expect(Self.pageConsole(stderr).isEmpty, "the page wrote to its console: \(Self.pageConsole(stderr))")
        let figures = dom.components(separatedBy: "<figure class=\"chart\">").dropFirst().map { $0.components(separatedBy: "</figure>")[0] }
        // Download share 1, likes 2, cadence 2, concentration 2, score per parameter 1, licences 1, derivatives 1.
        #expect(figures.count == 10)
        for figure in figures {
            let kind = try #require(attribute("data-kind", in: figure), "a figure has no chart: \(figure.prefix(200))")
            let (header, rows) = table(in: figure)
            func column(_ name: String) -> [String] { header.firstIndex(of: name).map { index in rows.map { $0[index] } } ?? [] }
            switch kind {
            case "line":
                // One path per series: a group of the table, or a column of it.
                let series = figure.components(separatedBy: "<path class=\"series\" data-series=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
                #expect(Set(series).count == series.count)
                let groups = Set(column("group"))
                if groups.isEmpty { #expect(!series.isEmpty && series.allSatisfy(header.contains)) } else { #expect(Set(series) == groups) }
            case "bar":
                // The column drawn: likes' value, cadence's median gap, derivatives' count.
                let value = ["value", "median_gap_days", "derived"].first { !column($0).filter { !$0.isEmpty }.isEmpty } ?? "value"
                #expect(count("<rect class=\"bar\"", in: figure) == column(value).filter { !$0.isEmpty }.count)
            case "stacked-bar":
                let bars = count("<rect class=\"bar\"", in: figure)
                #expect(bars >= Set(column("period")).count && bars <= rows.count)
            case "scatter":
                let plotted = zip(column("score"), column("params_total_b")).filter { !$0.0.isEmpty && (Double($0.1) ?? 0) > 0 }
                #expect(count("<g class=\"point\"", in: figure) == plotted.count)
            default:
                Issue.record("unknown chart kind \(kind)")
            }
        }
    }

    @Test func aScriptErrorOnAPageIsSeen() throws {
        // The check above would pass vacuously if Chromium's log did not carry the page's errors.
        let box = try Sandbox()
        let page = try box.write("broken.html", "<!DOCTYPE html><html><body><script>notDefined();</script></body></html>")
        let stderr = try Self.browse(page, in: box.folder.path, ["--virtual-time-budget=2000", "--enable-logging=stderr", "--v=0", "--dump-dom"]).stderr
        #expect(Self.pageConsole(stderr).contains { $0.contains("notDefined") })
    }

    private func attribute(_ name: String, in text: String) -> String? {
        text.components(separatedBy: "\(name)=\"").dropFirst().first.map { String($0.prefix { $0 != "\"" }) }
    }

    private func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The header and cells of the first table in `html` (cells as the DOM holds them).
    private func table(in html: String) -> (header: [String], rows: [[String]]) {
        func cells(_ row: String, _ tag: String) -> [String] {
            row.components(separatedBy: "<\(tag)").dropFirst().map { cell in
                let afterTag = cell.drop { $0 != ">" }.dropFirst()
                return String(afterTag.prefix { $0 != "<" })
            }
        }
        let header = html.components(separatedBy: "<thead>").dropFirst().first.map { cells($0.components(separatedBy: "</thead>")[0], "th") } ?? []
        let body = html.components(separatedBy: "<tbody>").dropFirst().first?.components(separatedBy: "</tbody>")[0] ?? ""
        let rows = body.components(separatedBy: "<tr>").dropFirst().map { cells($0, "td") }
        return (header, rows)
    }
}
