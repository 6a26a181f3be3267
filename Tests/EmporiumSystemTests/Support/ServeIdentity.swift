import EmporiumTesting

extension ServerProcess {
    /// `serve identity` on a fresh PostgreSQL database, its admin root@example.com with password
    /// "root-password", bcrypt cheap (cost 4, test mode); `environment` adds to or overrides that.
    /// Its gRPC API (for the storefront) on a free port, not the default 9090 another test's
    /// process may hold.
    static func serveIdentity(environment: [String: String] = [:]) async throws -> ServerProcess {
        try ServerProcess(
            arguments: ["serve", "identity", "--database-url", try await PostgresHarness.makeDatabaseURL(), "--grpc-port", String(try FreePort.find())],
            environment: [
                "EMPORIUM_ADMIN_EMAIL": "root@example.com", "EMPORIUM_ADMIN_PASSWORD": "root-password",
                "EMPORIUM_BCRYPT_COST": "4", "EMPORIUM_TEST_MODE": "1",
            ].merging(environment) { $1 }
        )
    }
}
