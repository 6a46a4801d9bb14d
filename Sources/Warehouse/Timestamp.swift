import Foundation

enum Timestamp {
    /// UTC, ISO 8601 with seconds: what lineage columns store.
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
