import Foundation
import Testing

/// A real HTTP server on 127.0.0.1 (Python's http.server) that answers /api/models requests
/// in the Hugging Face Hub's shape from a script the test writes, and logs every request.
/// The script is read again for each request, so a test can change the answers mid-way.
final class HubReplay {
    /// An answer: status, headers ("{base}" stands for http://127.0.0.1:PORT), body, and faults.
    struct Answer {
        var status = 200
        var headers: [String: String] = [:]
        var body = ""
        /// Send half the body, then close the connection (Content-Length says the whole).
        var truncate = false
        var delay = 0.0

        var json: [String: Any] { ["status": status, "headers": headers, "body": body, "truncate": truncate, "delay": delay] }

        /// A page of models, linking to the page whose cursor is `next`.
        static func page(_ models: [String], next: String? = nil) -> Answer {
            Answer(headers: next.map { ["Link": "<{base}/api/models?cursor=\($0)&limit=100>; rel=\"next\""] } ?? [:],
                   body: "[" + models.joined(separator: ",\n") + "]")
        }
    }

    let folder: URL
    let port: Int
    private let process = Process()

    /// `answers` maps a request to its answers, used in turn (the last again and again): by
    /// its `cursor` parameter, else `author=NAME`, else `start`.
    init(in sandbox: Sandbox, _ answers: [String: [Answer]]) throws {
        folder = sandbox.folder.appending(path: "replay")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.script.utf8).write(to: folder.appending(path: "hub_replay.py"))
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", folder.appending(path: "hub_replay.py").path, "answers.json", "port", "requests.jsonl"]
        process.currentDirectoryURL = folder
        // A client that hangs up mid-answer (the Ctrl-C test) makes Python print a traceback.
        process.standardError = FileHandle.nullDevice
        try Self.write(answers, into: folder)
        try process.run()
        let portFile = folder.appending(path: "port")
        var waited = 0
        while !FileManager.default.fileExists(atPath: portFile.path) && waited < 100 {
            usleep(50_000)
            waited += 1
        }
        let text = (try? String(contentsOf: portFile, encoding: .utf8)) ?? ""
        port = try #require(Int(text), "the replay server did not start (python3 needed)")
    }

    deinit {
        // SIGKILL: the test runner's threads block SIGTERM, and Process passes the mask on.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// Replaces the answers (the server reads them at each request).
    func set(_ answers: [String: [Answer]]) throws { try Self.write(answers, into: folder) }

    private static func write(_ answers: [String: [Answer]], into folder: URL) throws {
        let json = answers.mapValues { $0.map(\.json) }
        try JSONSerialization.data(withJSONObject: json).write(to: folder.appending(path: "answers.json"), options: .atomic)
    }

    /// The requests received: path with query, the answer key, the Authorization header.
    func requests() -> [(path: String, key: String, authorization: String?)] {
        let text = (try? String(contentsOf: folder.appending(path: "requests.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (object["path"] as? String ?? "", object["key"] as? String ?? "", object["authorization"] as? String)
        }
    }

    static let script = #"""
        import json, os, sys, time
        from http.server import HTTPServer, BaseHTTPRequestHandler
        from urllib.parse import urlsplit, parse_qs

        script_path, port_path, log_path = sys.argv[1:4]
        used = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = parse_qs(urlsplit(self.path).query)
                key = query.get("cursor", [None])[0] or ("author=" + query["author"][0] if "author" in query else "start")
                with open(log_path, "a") as log:
                    log.write(json.dumps({"path": self.path, "key": key, "authorization": self.headers.get("Authorization")}) + "\n")
                answers = json.load(open(script_path)).get(key) or [{"status": 404, "body": "{\"error\": \"no such page\"}"}]
                index = used.get(key, 0)
                used[key] = index + 1
                answer = answers[min(index, len(answers) - 1)]
                time.sleep(answer.get("delay", 0))
                body = answer.get("body", "").encode()
                self.send_response(answer.get("status", 200))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                base = "http://127.0.0.1:%d" % self.server.server_port
                for name, value in answer.get("headers", {}).items():
                    self.send_header(name, value.replace("{base}", base))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if answer.get("truncate") else body)
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        with open(port_path + ".tmp", "w") as f:
            f.write(str(server.server_port))
        os.rename(port_path + ".tmp", port_path)
        server.serve_forever()
        """#
}
