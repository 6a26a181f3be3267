public import ArgumentParser
public import EmporiumCore

/// A client of one peer service's internal gRPC API. The peer's name lives here, with its
/// client, so callers never spell it: `try context.network.client(CatalogClient.self)`.
public protocol PeerClient: Sendable {
    /// The service this client calls (its `ServiceDefinition.name`).
    static var peer: String { get }
    init(_ connection: RPCConnection)
}

extension CatalogClient: PeerClient {
    public static let peer = "catalog"
}

extension CartClient: PeerClient {
    public static let peer = "cart"
}

extension InventoryClient: PeerClient {
    public static let peer = "inventory"
}

extension PaymentsClient: PeerClient {
    public static let peer = "payments"
}

extension IdentityClient: PeerClient {
    public static let peer = "identity"
}

extension OrdersClient: PeerClient {
    public static let peer = "orders"
}

extension RPCNetwork {
    /// The client of `Client`'s peer: in memory embedded, at its configured address under
    /// `serve` (which refuses to start without one).
    public func client<Client: PeerClient>(_: Client.Type) throws -> Client {
        Client(try self.connection(to: Client.peer))
    }
}

/// `--<peer>-grpc host:port[,host:port…]`, the flag a service that calls `Client`'s peer
/// offers under `serve` (the setting `<peer>Grpc`, `EMPORIUM_<PEER>_GRPC`).
public struct PeerAddressFlag<Client: PeerClient>: SettingsFlags {
    @Option(
        name: .customLong("\(Client.peer)-grpc"),
        help: ArgumentHelp("The \(Client.peer) service's gRPC address(es), host:port[,host:port…] (EMPORIUM_\(Client.peer.uppercased())_GRPC).")
    )
    var address: String?

    public init() {}

    public var flags: [String: String] {
        self.address.map { ["\(Client.peer)Grpc": $0] } ?? [:]
    }
}
