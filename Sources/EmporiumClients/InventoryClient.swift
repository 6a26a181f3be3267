public import EmporiumCore
import EmporiumProto
import Foundation
import GRPCCore

/// Inventory's internal API over gRPC. Every call is idempotent by reservation id, so the
/// retries the network policy makes are safe.
public struct InventoryClient: InventoryPeer {
    typealias Service = Emporium_Inventory_V1_InventoryService

    let channel: PeerChannel

    public init(_ connection: RPCConnection) {
        self.channel = PeerChannel(connection)
        connection.register(Service.descriptor)
    }

    public func reserve(id: String, lines: [(sku: String, quantity: Int)], ttlSeconds: Int) async throws -> Reservation {
        var request = Emporium_Inventory_V1_ReserveRequest()
        request.reservationID = id
        request.ttlSeconds = Int32(clamping: ttlSeconds)
        request.lines = lines.map { line in
            var message = Emporium_Inventory_V1_ReservationLine()
            message.sku = line.sku
            message.quantity = Int32(clamping: line.quantity)
            return message
        }
        let response = try await self.channel.call(Service.Method.Reserve.self, request)
        return Reservation(
            id: response.reservationID,
            status: try Self.status(response.status),
            insufficientSkus: response.insufficientSkus,
            expiresAt: response.expiresAtUnixMs == 0 ? nil : Date(timeIntervalSince1970: Double(response.expiresAtUnixMs) / 1000)
        )
    }

    public func commit(id: String) async throws -> Reservation.Status {
        var request = Emporium_Inventory_V1_CommitRequest()
        request.reservationID = id
        return try Self.status(try await self.channel.call(Service.Method.Commit.self, request).status)
    }

    public func release(id: String) async throws -> Reservation.Status {
        var request = Emporium_Inventory_V1_ReleaseRequest()
        request.reservationID = id
        return try Self.status(try await self.channel.call(Service.Method.Release.self, request).status)
    }

    public func returnStock(id: String) async throws -> Reservation.Status {
        var request = Emporium_Inventory_V1_ReturnStockRequest()
        request.reservationID = id
        return try Self.status(try await self.channel.call(Service.Method.ReturnStock.self, request).status)
    }

    public func stock(skus: [String]) async throws -> [StockLevel] {
        var request = Emporium_Inventory_V1_GetStockRequest()
        request.skus = skus
        return try await self.channel.call(Service.Method.GetStock.self, request).stock.map { stock in
            StockLevel(sku: stock.sku, onHand: Int(stock.onHand), reserved: Int(stock.reserved))
        }
    }

    static func status(_ status: Emporium_Inventory_V1_ReservationStatus) throws -> Reservation.Status {
        switch status {
        case .reserved: .reserved
        case .insufficientStock: .insufficientStock
        case .committed: .committed
        case .released: .released
        case .expired: .expired
        case .returned: .returned
        case .unspecified, .UNRECOGNIZED: throw unexpectedAnswer("inventory", "reservation status")
        }
    }
}

extension Emporium_Inventory_V1_InventoryService.Method.Reserve: UnaryMethod {}
extension Emporium_Inventory_V1_InventoryService.Method.Commit: UnaryMethod {}
extension Emporium_Inventory_V1_InventoryService.Method.Release: UnaryMethod {}
extension Emporium_Inventory_V1_InventoryService.Method.ReturnStock: UnaryMethod {}
extension Emporium_Inventory_V1_InventoryService.Method.GetStock: UnaryMethod {}
