import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// A browser as far as the storefront's tests need one: it keeps the session cookie, follows
/// nothing on its own, and posts forms with the CSRF token the last page carried.
final class ShopperBrowser: @unchecked Sendable {
    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        /// The first `name="csrf"` value on the page.
        var csrf: String? { self.value(of: "csrf") }

        /// The value of the first input named `name` (its `value` attribute, in the same tag).
        func value(of name: String) -> String? {
            guard let range = self.body.range(of: "name=\"\(name)\"") else { return nil }
            let tag = self.body[range.upperBound...].prefix { $0 != ">" }
            guard let value = tag.range(of: "value=\"") else { return nil }
            return String(tag[value.upperBound...].prefix { $0 != "\"" })
        }

        var location: String? { self.headers[.location] }
        var alert: String? { Self.between(self.body, "role=\"alert\">", "</p>") }
        var notice: String? { Self.between(self.body, "role=\"status\">", "</p>") }

        static func between(_ text: String, _ start: String, _ end: String) -> String? {
            guard let from = text.range(of: start), let to = text[from.upperBound...].range(of: end) else { return nil }
            return String(text[from.upperBound..<to.lowerBound])
        }
    }

    let client: any TestClientProtocol
    /// The session cookie as the server last set it (nil: none, or cleared).
    private(set) var cookie: String?
    /// Every `Set-Cookie` seen, newest last.
    private(set) var setCookies: [String] = []
    let extraHeaders: HTTPFields

    init(_ client: any TestClientProtocol, headers: HTTPFields = [:]) {
        self.client = client
        self.extraHeaders = headers
    }

    func get(_ uri: String) async throws -> Page {
        try await self.send(uri, method: .get, body: nil)
    }

    /// Posts `fields` (form-encoded), with the CSRF token of `from` unless `fields` has one.
    func post(_ uri: String, _ fields: [(String, String)], from page: Page? = nil) async throws -> Page {
        var all = fields
        if !fields.contains(where: { $0.0 == "csrf" }), let csrf = page?.csrf { all.append(("csrf", csrf)) }
        let body = all.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
        return try await self.send(uri, method: .post, body: body)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }

    private func send(_ uri: String, method: HTTPRequest.Method, body: String?) async throws -> Page {
        var headers = self.extraHeaders
        if let cookie = self.cookie { headers[.cookie] = "emporium_session=" + cookie }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let page = try await self.client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
            Page(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
        if let set = page.headers[.setCookie] {
            self.setCookies.append(set)
            let value = set.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""
            self.cookie = set.contains("Max-Age=0") || value.isEmpty || !set.hasPrefix("emporium_session=") ? nil : value
        }
        return page
    }
}
