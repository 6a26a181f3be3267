import NIOCore
import NIOPosix

extension RPCNetwork {
    /// The peers (`cart`, `payments`, …) none of whose addresses accepts a connection now,
    /// probed in parallel, each attempt bounded by `timeout`. Readiness reports them: an
    /// instance whose required peers are all gone cannot serve its main routes, and a load
    /// balancer that reads readiness should send its traffic elsewhere. In one process
    /// (embedded mode) every peer is in memory, so nothing is ever unreachable.
    public func unreachablePeers(timeout: Duration = .milliseconds(500)) async -> [String] {
        await withTaskGroup(of: (String, Bool).self) { group in
            for (peer, endpoints) in self.peerEndpoints {
                group.addTask { (peer, await Self.anyAccepts(endpoints.endpoints, timeout: timeout)) }
            }
            var unreachable: [String] = []
            for await (peer, reachable) in group where !reachable {
                unreachable.append(peer)
            }
            return unreachable.sorted()
        }
    }

    private static func anyAccepts(_ endpoints: [RPCEndpoints.Endpoint], timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            for endpoint in endpoints {
                group.addTask { await Self.accepts(endpoint, timeout: timeout) }
            }
            for await accepted in group where accepted {
                group.cancelAll()
                return true
            }
            return false
        }
    }

    /// A TCP connection the peer's gRPC port accepts, closed at once.
    private static func accepts(_ endpoint: RPCEndpoints.Endpoint, timeout: Duration) async -> Bool {
        let milliseconds = Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(max(1, milliseconds)))
                .connect(host: endpoint.host, port: endpoint.port)
                .get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}
