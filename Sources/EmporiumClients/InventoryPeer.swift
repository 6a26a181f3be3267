public import Foundation

/// Inventory's reservations as checkout uses them, and stock reads. Every call is idempotent
/// by reservation id (checkout uses the order id), so retrying one is safe. A reservation in
/// a state the call cannot move it from (committing a released one) fails with gRPC's
/// FAILED_PRECONDITION, an unknown id with NOT_FOUND, as inventory answers them.
public protocol InventoryPeer: Sendable {
    /// Reserves `lines` (SKU, quantity) for `ttlSeconds` (0: inventory's default). A second
    /// call with the same id answers the reservation as it stands now.
    func reserve(id: String, lines: [(sku: String, quantity: Int)], ttlSeconds: Int) async throws -> Reservation
    /// reserved → committed: the units leave stock for good.
    func commit(id: String) async throws -> Reservation.Status
    /// reserved → released: the units are available again.
    func release(id: String) async throws -> Reservation.Status
    /// committed → returned: puts a committed reservation's units back on hand (a cancelled order).
    func returnStock(id: String) async throws -> Reservation.Status
    /// Stock of each SKU asked for, in order; a SKU inventory has no row for reads as zeros.
    func stock(skus: [String]) async throws -> [StockLevel]
}

extension InventoryPeer {
    /// Reserves for inventory's default time.
    public func reserve(id: String, lines: [(sku: String, quantity: Int)]) async throws -> Reservation {
        try await self.reserve(id: id, lines: lines, ttlSeconds: 0)
    }
}

/// A reservation as inventory answers Reserve.
public struct Reservation: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case reserved
        /// Nothing was reserved: `insufficientSkus` lack the stock asked for.
        case insufficientStock = "insufficient_stock"
        case committed, released, expired, returned
    }

    public var id: String
    public var status: Status
    public var insufficientSkus: [String]
    /// When an open reservation lapses; nil when it is not open.
    public var expiresAt: Date?

    /// `expiresAt` in milliseconds since 1970, 0 when not open: the form inventory answers in.
    public var expiresAtUnixMs: Int64 {
        self.expiresAt.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
    }

    public init(id: String, status: Status, insufficientSkus: [String] = [], expiresAt: Date? = nil) {
        self.id = id
        self.status = status
        self.insufficientSkus = insufficientSkus
        self.expiresAt = expiresAt
    }
}

/// One SKU's stock: `available` is on hand minus reserved, never below zero (inventory's
/// CHECK constraints keep `0 ≤ reserved ≤ onHand`). Encoded as API.md's stock body.
public struct StockLevel: Sendable, Equatable, Encodable {
    public var sku: String
    public var onHand: Int
    public var reserved: Int
    public var available: Int { max(0, self.onHand - self.reserved) }

    public init(sku: String, onHand: Int, reserved: Int) {
        self.sku = sku
        self.onHand = onHand
        self.reserved = reserved
    }

    enum CodingKeys: String, CodingKey { case sku, onHand, reserved, available }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.sku, forKey: .sku)
        try container.encode(self.onHand, forKey: .onHand)
        try container.encode(self.reserved, forKey: .reserved)
        try container.encode(self.available, forKey: .available)
    }
}
