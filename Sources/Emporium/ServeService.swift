import ArgumentParser
import EmporiumCore
import Foundation
import Logging

/// `emporium serve <Definition.name>`: that service alone, on PostgreSQL, its gRPC API on
/// a port of its own, its peers at their configured addresses.
struct ServeService<Definition: ServiceDefinition>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Definition.name, abstract: Definition.summary, discussion: Definition.environmentHelp)
    }

    @OptionGroup var options: ServerOptions
    @OptionGroup var serve: ServeOptions
    @OptionGroup var service: Definition.Flags

    func run() async throws {
        let (settings, reader) = try await self.options.settings(extra: self.serve.flags.merging(self.service.flags) { $1 })
        let configured = try await ServerOptions.usage { try Definition.configure(reader) }
        let url = settings.databaseURL
        if Definition.ownsData, url == nil {
            throw ValidationError("serve \(Definition.name) needs --database-url or EMPORIUM_DATABASE_URL.")
        }
        var peers: [String: RPCEndpoints] = [:]
        for peer in Definition.peers {
            if let text = reader.string("\(peer)Grpc") {
                peers[peer] = try await ServerOptions.usage { try RPCEndpoints(parsing: text, key: "\(peer)Grpc") }
            }
        }
        let logger = Bootstrap.logger(settings)
        let metrics = MetricsRegistry()
        // A service that owns no data opens no database, whatever the environment says.
        let database: PostgresDatabase? = try url.flatMap { url in
            Definition.ownsData ? try PostgresDatabase(url: url, name: Definition.name, metrics: metrics.factory, logger: logger) : nil
        }
        let rpc = try RPCNetwork.http2(
            listen: RPCEndpoints.Endpoint(host: settings.grpcHost, port: settings.grpcPort),
            peers: peers,
            policy: settings.rpcPolicy,
            metrics: metrics.factory,
            logger: logger,
            credentials: settings.serviceCredentials
        )
        let unit = try await ServerOptions.usage {
            let verifier = Definition.issuesTokens ? RejectAllTokens() : try Self.verifier(settings, logger: logger)
            return try configured.build(
                ServiceContext(database: database ?? NoDatabase(), verifier: verifier, network: rpc, metrics: metrics.factory, logger: logger)
            )
        }
        let platform = Platform(settings: settings, units: [unit], metrics: metrics, rpc: rpc, logger: logger)
        logger.info("Emporium serve", metadata: ["service": "\(Definition.name)", "port": "\(settings.port)"])
        try await platform.run(databaseServices: database.map { [$0] } ?? [])
    }

    /// Tokens are verified with identity's JWKS, fetched over HTTP; without an identity URL
    /// no token is accepted (guarded routes answer 401) and the operator is told so.
    static func verifier(_ settings: ServerSettings, logger: Logger) throws -> any TokenVerifier {
        guard let url = settings.identityURL else {
            logger.warning("No --identity-url / EMPORIUM_IDENTITY_URL: every bearer token will be refused")
            return RejectAllTokens()
        }
        guard URL(string: url)?.scheme?.hasPrefix("http") == true else {
            throw ValidationError("--identity-url must be an http(s) URL, not \(url)")
        }
        return JWTVerifier(keys: RemoteJWKS(identityURL: url, logger: logger))
    }
}
