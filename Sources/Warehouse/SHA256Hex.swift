import Crypto
import Foundation

/// SHA-256 comes from swift-crypto (BoringSSL's assembly on Linux, CryptoKit on macOS); owl
/// only writes digests the way `sha256sum` prints them.
extension SHA256 {
    /// The SHA-256 of `data` as 64 lowercase hex digits.
    public static func hex(of data: Data) -> String { hash(data: data).hex }
}

extension SHA256Digest {
    /// 64 lowercase hex digits, as `sha256sum` prints them.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
