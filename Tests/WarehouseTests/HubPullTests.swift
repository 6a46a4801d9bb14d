import Foundation
import Testing
@testable import Warehouse

/// The pieces of `owl pull hf` that need no server: where the token may go, the Link
/// header, Retry-After, and the last page's limit.
@Suite struct HubPullTests {
    @Test func theTokenGoesOnlyOverHTTPSOrToThisMachine() {
        let allowed = ["https://huggingface.co/api/models", "https://hf-mirror.example/api/models", "http://127.0.0.1:8080/api/models",
                       "http://127.5.0.1/api/models", "http://localhost:9/api/models", "http://[::1]:9/api/models"]
        let refused = ["http://huggingface.co/api/models", "http://10.0.0.1/api/models", "http://127.0.0.1.example.org/api/models",
                       "http://128.0.0.1/api/models", "ftp://127.0.0.1/x"]
        for text in allowed { #expect(HubClient.mayCarryToken(URL(string: text)!), "\(text)") }
        for text in refused { #expect(!HubClient.mayCarryToken(URL(string: text)!), "\(text)") }
    }

    @Test func theNextLinkIsFoundAmongOthersAndResolvedAgainstThePage() {
        let page = URL(string: "https://huggingface.co/api/models?author=x")!
        let header = #"<https://huggingface.co/api/models?cursor=abc&limit=100>; rel="next", <https://huggingface.co/api/models>; rel="first""#
        #expect(HubPuller.nextLink(header, relativeTo: page)?.absoluteString == "https://huggingface.co/api/models?cursor=abc&limit=100")
        #expect(HubPuller.nextLink(#"</api/models?cursor=def>; rel=next"#, relativeTo: page)?.absoluteString == "https://huggingface.co/api/models?cursor=def")
        #expect(HubPuller.nextLink(#"<https://huggingface.co/api/models>; rel="prev""#, relativeTo: page) == nil)
        #expect(HubPuller.nextLink(nil, relativeTo: page) == nil)
    }

    @Test func retryAfterIsSecondsOrAnHTTPDate() {
        #expect(HubPuller.seconds(retryAfter: "1") == 1)
        #expect(HubPuller.seconds(retryAfter: " 120 ") == 120)
        #expect(HubPuller.seconds(retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT") == 0, "a date in the past: no wait")
        #expect(HubPuller.seconds(retryAfter: "soon") == nil)
    }

    @Test func theLastPageAsksOnlyForWhatIsLeft() {
        let url = URL(string: "https://huggingface.co/api/models?cursor=a%2Bb&limit=100&expand%5B%5D=likes")!
        #expect(HubPuller.replacingLimit(in: url, with: 7).absoluteString == "https://huggingface.co/api/models?cursor=a%2Bb&limit=7&expand%5B%5D=likes")
    }
}
