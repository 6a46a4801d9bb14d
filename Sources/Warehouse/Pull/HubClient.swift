import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP answer: status, headers (names lower-cased) and body as received.
struct HTTPAnswer {
    let status: Int
    let headers: [String: String]
    let body: Data
}

/// A GET over Foundation's URLSession (libcurl underneath on Linux), made synchronous for a
/// command-line loop. Redirects are not followed: one could carry the token to another host.
final class HubClient {
    private let session: URLSession
    private let token: String?

    /// `token` goes as a bearer token, and only where `mayCarryToken` allows.
    init(token: String?, timeout: TimeInterval) {
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpAdditionalHeaders = ["User-Agent": "owl/0.1 (+owl pull hf)", "Accept": "application/json"]
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// True for https, and for plain http to this machine (127.0.0.0/8, ::1, localhost): a
    /// token sent over plain http to another host could be read on the way.
    static func mayCarryToken(_ url: URL) -> Bool {
        if url.scheme?.lowercased() == "https" { return true }
        guard url.scheme?.lowercased() == "http", let host = url.host?.lowercased() else { return false }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether the token would be left out of requests to `url` (so the caller can say so).
    func withholdsToken(from url: URL) -> Bool { token != nil && !Self.mayCarryToken(url) }

    /// The answer to GET `url`, or the transport error (no connection, reset, timeout…).
    func get(_ url: URL) -> Result<HTTPAnswer, Error> {
        var request = URLRequest(url: url)
        if let token, Self.mayCarryToken(url) { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        session.dataTask(with: request) { data, response, error in
            if let error {
                box.result.withLock { $0 = .failure(error) }
            } else if let response = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (name, value) in response.allHeaderFields {
                    if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
                }
                box.result.withLock { $0 = .success(HTTPAnswer(status: response.statusCode, headers: headers, body: data ?? Data())) }
            } else {
                box.result.withLock { $0 = .failure(URLError(.badServerResponse)) }
            }
            done.signal()
        }.resume()
        done.wait()
        return box.result.withLock { $0 } ?? .failure(URLError(.unknown))
    }

    /// Hands a redirect back as the answer instead of following it.
    private final class RedirectRefusal: NSObject, URLSessionTaskDelegate {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    /// The answer, set on URLSession's thread and read on the caller's.
    private final class ResultBox: Sendable {
        let result = Mutex<Result<HTTPAnswer, Error>?>(nil)
    }
}
