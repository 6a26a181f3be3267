public import Foundation
public import HummingbirdTesting
import EmporiumCore
import HTTPTypes
import NIOCore
import Testing

/// Carts and checkouts, through the cart's and orders' public API.
public enum Orders {
    /// A test card's expiry year: a few years from today, so the cards never expire.
    public static var cardExpYear: Int { Calendar.current.component(.year, from: Date()) + 3 }

    /// A checkout body: a shipping address and a test card (API.md's test card numbers).
    public static func checkoutBody(
        card: String = "4242424242424242", country: String = "US", name: String = "Ada Lovelace",
        line1: String = "1 Analytical Way", postalCode: String = "N1 9GU"
    ) -> [String: Any] {
        [
            "shippingAddress": ["name": name, "line1": line1, "city": "London", "postalCode": postalCode, "country": country],
            "payment": ["card": ["number": card, "expMonth": 12, "expYear": Self.cardExpYear, "cvc": "123"]],
        ]
    }
}

extension TestClientProtocol {
    /// Puts `quantity` of `sku` in the user's cart (it must be a 200).
    public func addToCart(user: String, sku: String, quantity: Int) async throws {
        let added = try await self.execute(uri: "/api/v1/cart/items", method: .post, headers: TestUser.customer(user), body: .json(["sku": sku, "quantity": quantity])) { $0 }
        #expect(added.status == .ok, "\(String(buffer: added.body))")
    }

    /// Checks the user's cart out, with an `Idempotency-Key` unless `key` is nil.
    public func checkout(user: String, key: String? = UUID().uuidString, body: [String: Any] = Orders.checkoutBody()) async throws -> TestResponse {
        var headers = TestUser.customer(user)
        if let key { headers[.idempotencyKey] = key }
        return try await self.execute(uri: "/api/v1/orders", method: .post, headers: headers, body: .json(body)) { $0 }
    }

    /// A new SKU (priced 1250, `stock` on hand) with `quantity` of it in the user's cart;
    /// returns the SKU.
    public func skuInCart(user: String, quantity: Int, stock: Int) async throws -> String {
        let sku = try await self.createSKU(stock: stock)
        try await self.addToCart(user: user, sku: sku, quantity: quantity)
        return sku
    }

    /// Puts `quantity` of `sku` in the user's cart and checks it out with the approving test
    /// card (it must be a 201); returns the paid order.
    public func paidOrder(user: String, sku: String, quantity: Int) async throws -> API.Order {
        try await self.addToCart(user: user, sku: sku, quantity: quantity)
        let response = try await self.checkout(user: user)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try response.decode(API.Order.self)
    }
}
