import ArgumentParser
import EmporiumCore
import Configuration
import Foundation

/// Flags every mode shares. Each is optional so that, when absent, the `EMPORIUM_*`
/// environment variable, then the settings file, then the default apply (`ServerSettings`
/// does the layering).
struct ServerOptions: SettingsFlags {
    @Option(help: "Address to listen on (EMPORIUM_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "HTTP port (EMPORIUM_PORT, default 8080).")
    var port: Int?

    @Option(help: "Request body limit in bytes (EMPORIUM_BODY_LIMIT, default 1048576).")
    var bodyLimit: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (EMPORIUM_LOG_LEVEL, default info).")
    var logLevel: String?

    @Option(help: "Seconds to drain in-flight requests on SIGTERM (EMPORIUM_SHUTDOWN_TIMEOUT, default 10).")
    var shutdownTimeout: Int?

    @Option(help: "A JSON file of settings, keyed as the flags in camelCase ({\"port\": 8080, \"sagaLeaseMs\": 30000}); flags and EMPORIUM_* variables win over it (EMPORIUM_CONFIG_FILE).")
    var configFile: String?

    var flags: [String: String] {
        Self.given([
            "host": self.host, "port": self.port, "bodyLimit": self.bodyLimit, "logLevel": self.logLevel,
            "shutdownTimeout": self.shutdownTimeout, "configFile": self.configFile,
        ])
    }

    /// The layered settings reader over these flags and `extra` ones (a mode's or a
    /// service's), and the process settings read from it; a bad value is a usage error.
    func settings(extra: [String: String]) async throws -> (server: ServerSettings, reader: SettingsReader) {
        try await Self.usage {
            let reader = try await ServerSettings.loadReader(
                flags: self.flags.merging(extra) { $1 },
                environment: ProcessInfo.processInfo.environment
            )
            return (try ServerSettings(reader: reader), SettingsReader(emporium: reader))
        }
    }

    /// Runs `body`, turning a configuration error into a usage error (exit 64 with the key).
    static func usage<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
