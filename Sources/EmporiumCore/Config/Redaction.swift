import Foundation

// Settings and credentials end up in log lines without anyone asking: swift-service-lifecycle
// logs every service it runs with `"\(service)"` at debug level, and a struct's default
// description prints every field (the database password and service secret among them).
// These descriptions print what helps an operator and never a secret.

extension ServerSettings: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        let database = self.databaseURL.map { Self.redactingPassword($0) } ?? "none"
        return "ServerSettings(host: \(self.host), port: \(self.port), grpc: \(self.grpcHost):\(self.grpcPort), "
            + "dataDirectory: \(self.dataDirectory), database: \(database), identityURL: \(self.identityURL ?? "none"), "
            + "serviceCredentials: \(self.serviceCredentials == nil ? "none" : "set"), logLevel: \(self.logLevel))"
    }

    public var debugDescription: String { self.description }

    /// `postgres://user:secret@host/db?sslmode=require` → `postgres://user:***@host/db`:
    /// the query goes too (it may carry `password=`), and a URL that does not parse is
    /// not shown at all.
    public static func redactingPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparseable URL)" }
        if components.password != nil { components.password = "***" }
        if components.query != nil { components.query = "redacted" }
        return components.string ?? "(unparseable URL)"
    }
}

extension ServiceCredentials: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "ServiceCredentials(redacted)" }
    public var debugDescription: String { self.description }
}
