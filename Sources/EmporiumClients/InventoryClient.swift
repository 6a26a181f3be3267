public import EmporiumCore
public import EmporiumProto
import GRPCCore

/// Inventory's reservation API as checkout uses it. Every call is idempotent by
/// reservation id, so the retries the network policy makes are safe.
public struct InventoryClient: Sendable {
    public typealias Status = Emporium_Inventory_V1_ReservationStatus

    let connection: RPCConnection
    let client: any Emporium_Inventory_V1_InventoryService.ClientProtocol

    public init(_ connection: RPCConnection) {
        self.connection = connection
        self.client = connection.makeClient(
            inProcess: { Emporium_Inventory_V1_InventoryService.Client(wrapping: $0) },
            http2: { Emporium_Inventory_V1_InventoryService.Client(wrapping: $0) }
        )
    }

    /// Reserves `lines` (SKU, quantity) for `ttlSeconds` (0: inventory's default).
    public func reserve(id: String, lines: [(sku: String, quantity: Int)], ttlSeconds: Int = 0) async throws -> Emporium_Inventory_V1_ReserveResponse {
        var request = Emporium_Inventory_V1_ReserveRequest()
        request.reservationID = id
        request.ttlSeconds = Int32(clamping: ttlSeconds)
        request.lines = lines.map { line in
            var message = Emporium_Inventory_V1_ReservationLine()
            message.sku = line.sku
            message.quantity = Int32(clamping: line.quantity)
            return message
        }
        return try await self.connection.call(Emporium_Inventory_V1_InventoryService.Method.Reserve.descriptor) { try await self.client.reserve(request) }
    }

    public func commit(id: String) async throws -> Status {
        var request = Emporium_Inventory_V1_CommitRequest()
        request.reservationID = id
        return try await self.connection.call(Emporium_Inventory_V1_InventoryService.Method.Commit.descriptor) { try await self.client.commit(request) }.status
    }

    public func release(id: String) async throws -> Status {
        var request = Emporium_Inventory_V1_ReleaseRequest()
        request.reservationID = id
        return try await self.connection.call(Emporium_Inventory_V1_InventoryService.Method.Release.descriptor) { try await self.client.release(request) }.status
    }

    /// Puts a committed reservation's units back on hand (a cancelled order).
    public func returnStock(id: String) async throws -> Status {
        var request = Emporium_Inventory_V1_ReturnStockRequest()
        request.reservationID = id
        return try await self.connection.call(Emporium_Inventory_V1_InventoryService.Method.ReturnStock.descriptor) { try await self.client.returnStock(request) }.status
    }

    public func stock(skus: [String]) async throws -> [Emporium_Inventory_V1_Stock] {
        var request = Emporium_Inventory_V1_GetStockRequest()
        request.skus = skus
        return try await self.connection.call(Emporium_Inventory_V1_InventoryService.Method.GetStock.descriptor) { try await self.client.getStock(request) }.stock
    }
}
