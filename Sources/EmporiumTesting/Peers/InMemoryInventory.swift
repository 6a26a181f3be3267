public import EmporiumClients
public import Foundation
import GRPCCore
import Synchronization

/// Stock and reservations in memory, with the real inventory's rules: a reservation takes
/// every line or none; every call is idempotent by reservation id; releasing an unknown id
/// records it released, so a late Reserve with that id reserves nothing; a reservation that
/// cannot make a move fails with FAILED_PRECONDITION, an unknown one with NOT_FOUND.
public final class InMemoryInventory: InventoryPeer {
    struct Held {
        var status: Reservation.Status
        var lines: [String: Int]
        var expiresAt: Date?
    }

    struct State {
        var onHand: [String: Int] = [:]
        var reserved: [String: Int] = [:]
        var reservations: [String: Held] = [:]
    }

    /// Inventory's default reservation time, in seconds.
    public static let defaultTTLSeconds = 900

    private let state = Mutex(State())

    /// `onHand` units of each SKU, none reserved.
    public init(onHand: [String: Int] = [:]) {
        self.state.withLock { $0.onHand = onHand }
    }

    public func reserve(id: String, lines: [(sku: String, quantity: Int)], ttlSeconds: Int) async throws -> Reservation {
        guard !id.isEmpty, !lines.isEmpty, lines.allSatisfy({ $0.quantity > 0 }) else {
            throw RPCError(code: .invalidArgument, message: "A reservation needs an id and lines of positive quantities.")
        }
        let expiresAt = Date().addingTimeInterval(TimeInterval(ttlSeconds == 0 ? Self.defaultTTLSeconds : ttlSeconds))
        // Lines of one SKU merged, in the order first asked, as the real one merges them.
        let wanted = Dictionary(lines.map { ($0.sku, $0.quantity) }, uniquingKeysWith: +)
        var skus: [String] = []
        for line in lines where !skus.contains(line.sku) {
            skus.append(line.sku)
        }
        return self.state.withLock { state in
            if let existing = state.reservations[id] {
                return Reservation(id: id, status: existing.status, expiresAt: existing.expiresAt)
            }
            let short = skus.filter { sku in
                state.onHand[sku, default: 0] - state.reserved[sku, default: 0] < wanted[sku, default: 0]
            }
            guard short.isEmpty else {
                return Reservation(id: id, status: .insufficientStock, insufficientSkus: short)
            }
            for (sku, quantity) in wanted {
                state.reserved[sku, default: 0] += quantity
            }
            state.reservations[id] = Held(status: .reserved, lines: wanted, expiresAt: expiresAt)
            return Reservation(id: id, status: .reserved, expiresAt: expiresAt)
        }
    }

    public func commit(id: String) async throws -> Reservation.Status {
        try self.state.withLock { state in
            guard let held = state.reservations[id] else { throw Self.unknown(id) }
            switch held.status {
            case .committed: return .committed
            case .reserved:
                for (sku, quantity) in held.lines {
                    state.onHand[sku, default: 0] -= quantity
                    state.reserved[sku, default: 0] -= quantity
                }
                state.reservations[id]?.status = .committed
                return .committed
            default: throw Self.conflict(id, held.status)
            }
        }
    }

    public func release(id: String) async throws -> Reservation.Status {
        try self.state.withLock { state in
            try Self.finish(id, as: .released, recordUnknown: true, in: &state)
        }
    }

    public func returnStock(id: String) async throws -> Reservation.Status {
        try self.state.withLock { state in
            guard let held = state.reservations[id] else { throw Self.unknown(id) }
            switch held.status {
            case .returned: return .returned
            case .committed:
                for (sku, quantity) in held.lines {
                    state.onHand[sku, default: 0] += quantity
                }
                state.reservations[id]?.status = .returned
                return .returned
            default: throw Self.conflict(id, held.status)
            }
        }
    }

    public func stock(skus: [String]) async throws -> [StockLevel] {
        self.state.withLock { state in
            skus.map { StockLevel(sku: $0, onHand: state.onHand[$0, default: 0], reserved: state.reserved[$0, default: 0]) }
        }
    }

    /// What the sweeper does: reservations whose time ran out by `now` give their units back.
    /// Returns how many expired.
    @discardableResult
    public func expireDue(now: Date = Date()) -> Int {
        self.state.withLock { state in
            let due = state.reservations.filter { $0.value.status == .reserved && ($0.value.expiresAt ?? .distantFuture) <= now }.map(\.key)
            for id in due {
                _ = try? Self.finish(id, as: .expired, recordUnknown: false, in: &state)
            }
            return due.count
        }
    }

    /// The reservation's status, nil when inventory never heard of it.
    public func status(of id: String) -> Reservation.Status? {
        self.state.withLock { $0.reservations[id]?.status }
    }

    /// reserved → released or expired, units back to available. A reservation already
    /// finished answers its status; a committed one cannot be released.
    private static func finish(_ id: String, as final: Reservation.Status, recordUnknown: Bool, in state: inout State) throws -> Reservation.Status {
        guard let held = state.reservations[id] else {
            guard recordUnknown else { throw Self.unknown(id) }
            state.reservations[id] = Held(status: final, lines: [:], expiresAt: nil)
            return final
        }
        switch held.status {
        case .reserved:
            for (sku, quantity) in held.lines {
                state.reserved[sku, default: 0] -= quantity
            }
            state.reservations[id]?.status = final
            return final
        case .committed: throw Self.conflict(id, held.status)
        default: return held.status
        }
    }

    static func unknown(_ id: String) -> RPCError {
        RPCError(code: .notFound, message: "No reservation \(id).")
    }

    static func conflict(_ id: String, _ status: Reservation.Status) -> RPCError {
        RPCError(code: .failedPrecondition, message: "Reservation \(id) is already \(status.rawValue).")
    }
}
