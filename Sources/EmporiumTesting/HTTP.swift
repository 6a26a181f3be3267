public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal HTTP client for system tests against a real server.
public enum HTTP {
    public static func get(_ url: String, headers: [String: String] = [:]) async throws -> (Int, [String: String], Data) {
        try await self.request("GET", url, headers: headers, body: nil)
    }

    public static func request(_ method: String, _ url: String, headers: [String: String] = [:], body: Data?) async throws -> (Int, [String: String], Data) {
        guard let target = URL(string: url) else { throw URLError(.badURL) }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 10
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            fields[String(describing: key).lowercased()] = String(describing: value)
        }
        return (http.statusCode, fields, data)
    }
}
