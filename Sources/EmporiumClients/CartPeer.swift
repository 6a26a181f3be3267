/// Cart as checkout needs it: the priced cart, and taking out what an order bought.
public protocol CartPeer: Sendable {
    /// The user's cart priced now, with the SKUs the catalog no longer sells.
    func cart(userId: String) async throws -> PricedCart

    /// Takes what order `orderId` bought out of the user's cart; idempotent by order, so
    /// redelivering it never removes units added since.
    func removeOrdered(userId: String, orderId: String, lines: [(sku: String, quantity: Int)]) async throws

    /// Empties the user's cart.
    func clear(userId: String) async throws
}

/// A cart priced at the catalog's current prices, as checkout orders it: amounts in minor
/// units of `currency` (ISO 4217).
public struct PricedCart: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var sku: String
        public var productId: String
        public var name: String
        public var unitPriceAmount: Int
        public var quantity: Int
        public var lineTotalAmount: Int

        /// `lineTotalAmount` defaults to unit price × quantity, as cart prices a line.
        public init(sku: String, productId: String, name: String, unitPriceAmount: Int, quantity: Int, lineTotalAmount: Int? = nil) {
            self.sku = sku
            self.productId = productId
            self.name = name
            self.unitPriceAmount = unitPriceAmount
            self.quantity = quantity
            self.lineTotalAmount = lineTotalAmount ?? unitPriceAmount * quantity
        }
    }

    public var userId: String
    /// The lines still sold; SKUs that are not are in `unavailableSkus` instead.
    public var lines: [Line]
    public var currency: String
    /// SKUs in the cart that the catalog archived or no longer knows: checkout refuses them.
    public var unavailableSkus: [String]

    /// Units, not lines.
    public var itemCount: Int { self.lines.reduce(0) { $0 + $1.quantity } }
    public var subtotalAmount: Int { self.lines.reduce(0) { $0 + $1.lineTotalAmount } }

    public init(userId: String, lines: [Line], currency: String, unavailableSkus: [String] = []) {
        self.userId = userId
        self.lines = lines
        self.currency = currency
        self.unavailableSkus = unavailableSkus
    }
}
