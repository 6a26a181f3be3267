import EmporiumClients
import EmporiumCore
import EmporiumProto
import Foundation
import GRPCCore

/// Inventory's internal API: reservations for checkout and stock reads. Every call is
/// idempotent by reservation id, so callers retry freely.
struct InventoryRPCService: Emporium_Inventory_V1_InventoryService.SimpleServiceProtocol {
    static let maxLines = 100
    static let maxQuantity = 10_000
    static let defaultTTLSeconds = 900
    static let maxTTLSeconds = 86_400

    let store: InventoryStore

    func reserve(request: Emporium_Inventory_V1_ReserveRequest, context: ServerContext) async throws -> Emporium_Inventory_V1_ReserveResponse {
        try Self.checkReservationId(request.reservationID)
        guard (1...Self.maxLines).contains(request.lines.count) else {
            throw RPCError(code: .invalidArgument, message: "A reservation needs 1 to \(Self.maxLines) lines.")
        }
        for line in request.lines {
            guard SKU.isValid(line.sku) else {
                throw RPCError(code: .invalidArgument, message: "SKU \(line.sku.debugDescription) \(SKU.rule).")
            }
            guard (1...Self.maxQuantity).contains(Int(line.quantity)) else {
                throw RPCError(code: .invalidArgument, message: "Line \(line.sku): quantity must be 1 to \(Self.maxQuantity).")
            }
        }
        let ttl = request.ttlSeconds == 0 ? Self.defaultTTLSeconds : Int(request.ttlSeconds)
        guard (1...Self.maxTTLSeconds).contains(ttl) else {
            throw RPCError(code: .invalidArgument, message: "ttl_seconds must be 1 to \(Self.maxTTLSeconds) (0 for the default).")
        }
        let now = Date()
        let outcome = try await self.store.reserve(
            id: request.reservationID,
            lines: request.lines.map { ReservationLine(sku: $0.sku, quantity: Int($0.quantity)) },
            expiresAt: now.addingTimeInterval(TimeInterval(ttl)),
            now: now
        )
        var response = Emporium_Inventory_V1_ReserveResponse()
        response.reservationID = request.reservationID
        switch outcome {
        case .existing(let state, let expiresAtMicros):
            response.status = Self.status(state)
            response.expiresAtUnixMs = Int64(expiresAtMicros / 1000)
        case .insufficient(let skus):
            response.status = .insufficientStock
            response.insufficientSkus = skus
        }
        return response
    }

    func commit(request: Emporium_Inventory_V1_CommitRequest, context: ServerContext) async throws -> Emporium_Inventory_V1_CommitResponse {
        var response = Emporium_Inventory_V1_CommitResponse()
        response.status = try await self.move(request.reservationID, by: self.store.commit)
        return response
    }

    func release(request: Emporium_Inventory_V1_ReleaseRequest, context: ServerContext) async throws -> Emporium_Inventory_V1_ReleaseResponse {
        var response = Emporium_Inventory_V1_ReleaseResponse()
        response.status = try await self.move(request.reservationID, by: self.store.release)
        return response
    }

    func returnStock(request: Emporium_Inventory_V1_ReturnStockRequest, context: ServerContext) async throws -> Emporium_Inventory_V1_ReturnStockResponse {
        var response = Emporium_Inventory_V1_ReturnStockResponse()
        response.status = try await self.move(request.reservationID, by: self.store.returnStock)
        return response
    }

    /// One move of a reservation's state machine, by id, now; its refusals are
    /// `InventoryError`s, answered through that error's gRPC table.
    private func move(
        _ id: String, by change: (_ id: String, _ now: Date) async throws -> ReservationState
    ) async throws -> Emporium_Inventory_V1_ReservationStatus {
        try Self.checkReservationId(id)
        return Self.status(try await change(id, Date()))
    }

    func getStock(request: Emporium_Inventory_V1_GetStockRequest, context: ServerContext) async throws -> Emporium_Inventory_V1_GetStockResponse {
        guard request.skus.count <= 500 else {
            throw RPCError(code: .invalidArgument, message: "At most 500 SKUs per call.")
        }
        let found = Dictionary(try await self.store.stock(skus: request.skus).map { ($0.sku, $0) }, uniquingKeysWith: { first, _ in first })
        var response = Emporium_Inventory_V1_GetStockResponse()
        // A SKU without a stock row has none: zeros, like the public API.
        response.stock = request.skus.map { sku in
            let stock = found[sku] ?? Stock(sku: sku, onHand: 0, reserved: 0)
            var message = Emporium_Inventory_V1_Stock()
            message.sku = sku
            message.onHand = Int64(stock.onHand)
            message.reserved = Int64(stock.reserved)
            message.available = Int64(stock.available)
            return message
        }
        return response
    }

    static func checkReservationId(_ id: String) throws {
        guard !id.isEmpty, id.utf8.count <= 128 else {
            throw RPCError(code: .invalidArgument, message: "reservation_id must be 1 to 128 bytes.")
        }
    }

    static func status(_ state: ReservationState) -> Emporium_Inventory_V1_ReservationStatus {
        switch state {
        case .reserved: .reserved
        case .committed: .committed
        case .released: .released
        case .expired: .expired
        case .returned: .returned
        }
    }
}
