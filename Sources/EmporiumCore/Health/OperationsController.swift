import Foundation
public import Hummingbird

/// `/health/live`, `/health/ready`, `/metrics` and `/api/v1/openapi.json`.
struct OperationsController: Sendable {
    let databases: [any Database]
    let readiness: Readiness
    let metrics: MetricsRegistry
    /// Under `serve`: the peers readiness requires reachable.
    let rpc: RPCNetwork?

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/health/live") { _, _ in
            HealthStatus(status: "live")
        }
        router.get("/health/ready") { _, _ in
            try await self.ready()
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: self.metrics.exposition()))
            )
        }
        router.get("/api/v1/openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: OpenAPIDocument.bytes)
            )
        }
    }

    private func ready() async throws -> EditedResponse<HealthStatus> {
        let state = self.readiness.state
        guard state == .ready else {
            return EditedResponse(status: .serviceUnavailable, headers: [.retryAfter: "1"], response: HealthStatus(status: state.name))
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for database in self.databases {
                    group.addTask { try await database.ping() }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    throw CancellationError()
                }
                // Every ping answering before the two-second guard means ready.
                for _ in self.databases {
                    try await group.next()
                }
                group.cancelAll()
            }
        } catch {
            return EditedResponse(status: .serviceUnavailable, headers: [.retryAfter: "1"], response: HealthStatus(status: "database-unreachable"))
        }
        if let unreachable = await self.rpc?.unreachablePeers(), !unreachable.isEmpty {
            return EditedResponse(
                status: .serviceUnavailable, headers: [.retryAfter: "1"], response: HealthStatus(status: "peer-unreachable", unreachable: unreachable)
            )
        }
        return EditedResponse(status: .ok, response: HealthStatus(status: "ready"))
    }
}

struct HealthStatus: Codable, Sendable, ResponseEncodable {
    let status: String
    /// The required peers no address of which answers (with `peer-unreachable`).
    var unreachable: [String]? = nil
}

/// The OpenAPI 3.1 document shipped as a resource; read once.
public enum OpenAPIDocument {
    public static let bytes: ByteBuffer = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else {
            return ByteBuffer(string: "{}")
        }
        return ByteBuffer(bytes: data)
    }()
}
