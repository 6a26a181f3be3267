public import EmporiumClients
/// One SKU's stock, as inventory keeps it, answers it over HTTP and over gRPC: the same type
/// its callers see (`StockLevel`), so the two cannot drift apart.
public typealias Stock = StockLevel

/// Where a reservation is in its life. Only `reserved` holds stock; the other states are
/// final, and kept so that a replayed call gets the same answer.
public enum ReservationState: String, Sendable {
    case reserved, committed, released, expired
    /// Committed, then put back on hand (the order was cancelled).
    case returned
}

/// What a `Reserve` call ended in.
public enum ReserveOutcome: Sendable, Equatable {
    /// Reserved now or earlier (a replay): the reservation's current state and expiry.
    case existing(ReservationState, expiresAtMicros: Int)
    /// Nothing reserved: these SKUs lack the stock.
    case insufficient([String])
}

/// A reservation request's line; the same SKU twice is merged into one line.
public struct ReservationLine: Sendable, Equatable {
    public var sku: String
    public var quantity: Int

    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }

    /// One line per SKU, sorted by SKU: every writer locks stock rows in the same order,
    /// so concurrent reservations on PostgreSQL cannot deadlock.
    static func merged(_ lines: [ReservationLine]) -> [ReservationLine] {
        var totals: [String: Int] = [:]
        for line in lines { totals[line.sku, default: 0] += line.quantity }
        return totals.keys.sorted().map { ReservationLine(sku: $0, quantity: totals[$0] ?? 0) }
    }
}
