public import EmporiumCore

/// Inventory's errors as HTTP answers them: the one table (no public route moves a
/// reservation today; the table keeps any that does from answering a 500).
extension InventoryError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .unknownReservation(let id): .notFound("No reservation \(id).")
        case .reservationIs(let id, let state): .conflict("Reservation \(id) is already \(state.rawValue).")
        }
    }
}
