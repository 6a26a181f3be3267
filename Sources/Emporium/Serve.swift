import ArgumentParser
import EmporiumCore
import EmporiumServices

/// `emporium serve <service>`: one service, its own PostgreSQL database, migrations applied
/// at start. Run as many instances as needed behind NGINX. One subcommand per service in
/// `ServiceRegistry`, each with its own flags (`emporium serve orders --help`).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one service on PostgreSQL.",
        subcommands: ServiceRegistry.all.map { $0.serveCommand }
    )
}

extension ServiceDefinition {
    /// `emporium serve <name>`.
    static var serveCommand: any ParsableCommand.Type { ServeService<Self>.self }
}

/// Flags of every `serve` subcommand: the database, identity's address and the gRPC port.
struct ServeOptions: SettingsFlags {
    @Option(help: "postgres://user:password@host:port/database (EMPORIUM_DATABASE_URL).")
    var databaseUrl: String?

    @Option(help: "Identity's base URL, for its public keys (EMPORIUM_IDENTITY_URL), e.g. http://127.0.0.1:8081.")
    var identityUrl: String?

    @Option(help: "Address for this service's gRPC port (EMPORIUM_GRPC_HOST, default 127.0.0.1).")
    var grpcHost: String?

    @Option(help: "This service's gRPC port, for the other services only (EMPORIUM_GRPC_PORT, default 9090).")
    var grpcPort: Int?

    var flags: [String: String] {
        Self.given(["databaseUrl": self.databaseUrl, "identityUrl": self.identityUrl, "grpcHost": self.grpcHost, "grpcPort": self.grpcPort])
    }
}
