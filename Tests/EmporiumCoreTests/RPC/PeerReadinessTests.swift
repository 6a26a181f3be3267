import EmporiumCore
import EmporiumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
import NIOPosix
import Testing

/// Under `serve`, `/health/ready` says 503 `peer-unreachable` (naming them) while no
/// address of a required peer accepts connections, and ready again once one does.
@Suite struct PeerReadinessTests {
    static func network(peers: [String: String]) throws -> RPCNetwork {
        try RPCNetwork.http2(
            listen: nil,
            peers: try peers.mapValues { try RPCEndpoints(parsing: $0, key: "test") },
            metrics: NOOPMetricsHandler.instance,
            logger: Logger(label: "test")
        )
    }

    /// A bare TCP listener on `port`, standing in for a peer's gRPC port.
    static func listen(on port: Int) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port)
            .get()
    }

    @Test func readinessNamesPeersWithNoReachableAddress() async throws {
        let (cartPort, paymentsA, paymentsB) = (try FreePort.find(), try FreePort.find(), try FreePort.find())
        let network = try Self.network(peers: ["cart": "127.0.0.1:\(cartPort)", "payments": "127.0.0.1:\(paymentsA),127.0.0.1:\(paymentsB)"])
        let platform = Platform(settings: ServerSettings(), units: [], metrics: MetricsRegistry(), rpc: network, logger: Logger(label: "test"))
        platform.readiness.set(.ready)
        try await platform.buildApplication().test(.router) { client in
            func ready() async throws -> (HTTPResponse.Status, [String]?) {
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    struct Body: Decodable { var status: String; var unreachable: [String]? }
                    return (response.status, try JSONDecoder().decode(Body.self, from: Data(String(buffer: response.body).utf8)).unreachable)
                }
            }
            var answer = try await ready()
            #expect(answer.0 == .serviceUnavailable && answer.1 == ["cart", "payments"])

            // One of payments' two instances is enough.
            let cart = try await Self.listen(on: cartPort)
            let payments = try await Self.listen(on: paymentsB)
            answer = try await ready()
            #expect(answer.0 == .ok && answer.1 == nil)

            try await cart.close()
            answer = try await ready()
            #expect(answer.0 == .serviceUnavailable && answer.1 == ["cart"])
            try await payments.close()
        }
    }

    @Test func inProcessPeersAreNeverUnreachable() async throws {
        let network = RPCNetwork.inProcess(metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"))
        #expect(await network.unreachablePeers().isEmpty)
    }
}
