import EmporiumClients
import EmporiumCore
import Foundation
import Hummingbird

/// `/api/v1/cart`: the signed-in user's own cart (the user is the token's subject, so
/// there is no way to name someone else's).
struct CartController: Sendable {
    let cart: Carts
    let verifier: any TokenVerifier

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        let group = router.group("/api/v1/cart").add(middleware: RequireRole(nil, verifier: self.verifier))
        group.get(use: self.show)
        group.delete(use: self.clear)
        group.post("items", use: self.add)
        group.patch("items/{sku}", use: self.update)
        group.delete("items/{sku}", use: self.remove)
    }

    struct AddItemRequest: Decodable {
        var sku: String
        var quantity: Int
    }

    struct UpdateItemRequest: Decodable {
        var quantity: Int
    }

    @Sendable func show(_ request: Request, context: EmporiumRequestContext) async throws -> CartView {
        let userId = try Self.userId(context)
        return try await callingService(CatalogClient.peer) { try await self.cart.view(userId: userId) }
    }

    @Sendable func add(_ request: Request, context: EmporiumRequestContext) async throws -> CartView {
        let userId = try Self.userId(context)
        let input = try await request.decodeJSON(AddItemRequest.self, context: context)
        var errors: [FieldError] = []
        if !SKU.isValid(input.sku) {
            errors.append(FieldError(field: "sku", message: SKU.rule))
        }
        if !(1...CartRules.maxLineQuantity).contains(input.quantity) {
            errors.append(FieldError(field: "quantity", message: "must be 1 to \(CartRules.maxLineQuantity)"))
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return try await callingService(CatalogClient.peer) { try await self.cart.add(userId: userId, sku: input.sku, quantity: input.quantity) }
    }

    @Sendable func update(_ request: Request, context: EmporiumRequestContext) async throws -> CartView {
        let userId = try Self.userId(context)
        let sku = try Self.lineSku(context)
        let input = try await request.decodeJSON(UpdateItemRequest.self, context: context)
        guard (0...CartRules.maxLineQuantity).contains(input.quantity) else {
            throw Problem.validation(field: "quantity", "must be 0 (remove) to \(CartRules.maxLineQuantity)")
        }
        return try await callingService(CatalogClient.peer) { try await self.cart.setQuantity(userId: userId, sku: sku, quantity: input.quantity) }
    }

    @Sendable func remove(_ request: Request, context: EmporiumRequestContext) async throws -> CartView {
        let userId = try Self.userId(context)
        let sku = try Self.lineSku(context)
        return try await callingService(CatalogClient.peer) { try await self.cart.remove(userId: userId, sku: sku) }
    }

    @Sendable func clear(_ request: Request, context: EmporiumRequestContext) async throws -> HTTPResponse.Status {
        try await self.cart.clear(userId: try Self.userId(context))
        return .noContent
    }

    /// The `{sku}` of a line route; a malformed one cannot be in any cart.
    static func lineSku(_ context: EmporiumRequestContext) throws -> String {
        let sku = try context.parameters.require("sku")
        guard SKU.isValid(sku) else { throw Problem.notFound("\(sku) is not in your cart.") }
        return sku
    }

    static func userId(_ context: EmporiumRequestContext) throws -> String {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        return principal.userId
    }
}
