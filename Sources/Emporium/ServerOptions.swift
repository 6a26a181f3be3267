import ArgumentParser
import EmporiumCore
import EmporiumIdentity
import Configuration
import Foundation

/// Flags every mode shares. Each is optional so that, when absent, the `EMPORIUM_*`
/// environment variable and then the default apply (`ServerSettings` does the layering).
struct ServerOptions: ParsableArguments {
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

    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["host"] = self.host
        flags["port"] = self.port.map(String.init)
        flags["bodyLimit"] = self.bodyLimit.map(String.init)
        flags["logLevel"] = self.logLevel
        flags["shutdownTimeout"] = self.shutdownTimeout.map(String.init)
        return flags
    }

    /// Server settings and identity's, from the same layers; a bad value is a usage error.
    func settings(extra: [String: String] = [:]) throws -> (server: ServerSettings, identity: IdentitySettings) {
        do {
            let reader = ServerSettings.reader(
                flags: self.flags.merging(extra) { $1 },
                environment: ProcessInfo.processInfo.environment
            )
            return (try ServerSettings(reader: reader), try IdentitySettings(reader: SettingsReader(reader.scoped(to: "emporium"))))
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
