/// The public API's response bodies as /work/shared/API.md defines them, decoded by tests
/// instead of casting `[String: Any]`. They are the contract's shapes, not the services'
/// own types, so a test reads what a client would. A field the contract allows to be null or
/// absent is optional; every other field must be there, or decoding fails the test.
public enum API {
    /// `{"amount": 1999, "currency": "USD"}`: integer minor units.
    public struct Money: Decodable, Equatable, Sendable {
        public let amount: Int
        public let currency: String

        public init(amount: Int, currency: String = "USD") {
            self.amount = amount
            self.currency = currency
        }
    }

    /// A list: `{items, nextCursor}`.
    public struct Page<Item: Decodable & Sendable>: Decodable, Sendable {
        public let items: [Item]
        public let nextCursor: String?
    }

    // MARK: Identity

    /// `{id, email, name, roles, createdAt}`.
    public struct User: Decodable, Sendable {
        public let id: String
        public let email: String
        public let name: String
        public let roles: [String]
        public let createdAt: String
    }

    /// A session (token pair): `{user, accessToken, refreshToken, tokenType, expiresIn}`.
    public struct Session: Decodable, Sendable {
        public let user: User
        public let accessToken: String
        public let refreshToken: String
        public let tokenType: String
        public let expiresIn: Int
    }

    /// `GET /.well-known/jwks.json`: `{keys: [...]}`, public keys only.
    public struct KeySet: Decodable, Sendable {
        public let keys: [Key]
    }

    /// One public key of the key set (Ed25519: `kty` "OKP", `crv` "Ed25519").
    public struct Key: Decodable, Sendable {
        public let kty: String
        public let crv: String
        public let alg: String
        public let use: String
        public let kid: String
        public let x: String
    }

    /// The answer to a key rotation: the new key's id.
    public struct RotatedKey: Decodable, Sendable {
        public let kid: String
    }

    // MARK: Catalog

    /// `{id, slug, name, productCount}` (`productCount` in lists).
    public struct Category: Decodable, Sendable {
        public let id: String
        public let slug: String
        public let name: String
        public let productCount: Int?
    }

    public struct Variant: Decodable, Sendable {
        public let sku: String
        public let name: String
        public let price: Money
        public let attributes: [String: String]
    }

    /// `{id, slug, name, description, categoryId, imageUrl, price, variants, createdAt, updatedAt}`.
    public struct Product: Decodable, Sendable {
        public let id: String
        public let slug: String
        public let name: String
        public let description: String
        public let categoryId: String
        public let imageUrl: String?
        public let price: Money
        public let variants: [Variant]
        public let createdAt: String
        public let updatedAt: String
    }

    // MARK: Inventory

    /// `{sku, onHand, reserved, available}`.
    public struct Stock: Decodable, Equatable, Sendable {
        public let sku: String
        public let onHand: Int
        public let reserved: Int
        public let available: Int
    }

    // MARK: Cart and orders

    /// A cart or order line: `{sku, productId, name, unitPrice, quantity, lineTotal}`.
    public struct Line: Decodable, Sendable {
        public let sku: String
        public let productId: String
        public let name: String
        public let unitPrice: Money
        public let quantity: Int
        public let lineTotal: Money
    }

    /// `{items, itemCount, subtotal}`.
    public struct Cart: Decodable, Sendable {
        public let items: [Line]
        public let itemCount: Int
        public let subtotal: Money
    }

    public struct Address: Decodable, Sendable {
        public let name: String
        public let line1: String
        public let line2: String?
        public let city: String
        public let postalCode: String
        public let country: String
    }

    /// An order's payment: `{status, brand, last4, amount}`; `status` is null until a
    /// payment exists (an order that failed before it was authorized).
    public struct OrderPayment: Decodable, Sendable {
        public let status: String?
        public let brand: String
        public let last4: String
        public let amount: Money
    }

    /// `{id, status, items, subtotal, shipping, tax, total, shippingAddress, payment, createdAt, updatedAt}`.
    public struct Order: Decodable, Sendable {
        public let id: String
        public let status: String
        public let items: [Line]
        public let subtotal: Money
        public let shipping: Money
        public let tax: Money
        public let total: Money
        public let shippingAddress: Address
        public let payment: OrderPayment
        public let createdAt: String
        public let updatedAt: String
    }

    // MARK: Payments

    public struct PaymentEvent: Decodable, Sendable {
        public let type: String
        public let amount: Money
    }

    /// The admin view of a payment: `{id, orderId, status, amount, brand, last4, events}`.
    public struct Payment: Decodable, Sendable {
        public let id: String
        public let orderId: String
        public let status: String
        public let amount: Money
        public let brand: String
        public let last4: String
        public let events: [PaymentEvent]
    }

    // MARK: Errors

    public struct FieldError: Decodable, Sendable {
        public let field: String
        public let message: String
    }

    /// An RFC 9457 problem: `{type, title, status, detail}`, with `errors` for validation,
    /// `orderId` and `code` for a declined payment, `skus` when out of stock.
    public struct Problem: Decodable, Sendable {
        public let type: String
        public let title: String
        public let status: Int
        public let detail: String
        public let errors: [FieldError]?
        public let orderId: String?
        public let code: String?
        public let skus: [String]?
    }
}
