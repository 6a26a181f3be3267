import EmporiumClients
import EmporiumCore
import Foundation
import Hummingbird

/// `/api/v1/inventory/{sku}`: public stock read, admin on-hand update. A SKU the catalog
/// knows but inventory has no row for reads as zeros; one the catalog does not know is 404.
struct InventoryController: Sendable {
    let store: InventoryStore
    let catalog: any CatalogPeer
    let verifier: any TokenVerifier

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/api/v1/inventory/{sku}", use: self.read)
        router.group("/api/v1/inventory")
            .add(middleware: RequireRole(.admin, verifier: self.verifier))
            .put("{sku}", use: self.setOnHand)
    }

    struct SetOnHandRequest: Decodable {
        var onHand: Int
    }

    @Sendable func read(_ request: Request, context: EmporiumRequestContext) async throws -> Stock {
        let sku = try Self.sku(context)
        if let stock = try await self.store.stock(skus: [sku]).first {
            return stock
        }
        try await self.requireCatalogSku(sku)
        return Stock(sku: sku, onHand: 0, reserved: 0)
    }

    @Sendable func setOnHand(_ request: Request, context: EmporiumRequestContext) async throws -> Stock {
        let sku = try Self.sku(context)
        let input = try await request.decodeJSON(SetOnHandRequest.self, context: context)
        guard input.onHand >= 0 else {
            throw Problem.validation(field: "onHand", "must be 0 or more")
        }
        guard input.onHand <= 1_000_000_000 else {
            throw Problem.validation(field: "onHand", "must be at most 1000000000")
        }
        // A SKU with a stock row was checked against the catalog when the row was made.
        if try await self.store.stock(skus: [sku]).isEmpty {
            try await self.requireCatalogSku(sku)
        }
        guard let stock = try await self.store.setOnHand(sku: sku, onHand: input.onHand, now: Date()) else {
            let reserved = try await self.store.stock(skus: [sku]).first?.reserved ?? 0
            throw Problem.validation(field: "onHand", "must be at least the \(reserved) units currently reserved")
        }
        return stock
    }

    /// The `{sku}` of the route; a malformed one is in no catalog (and never reaches a query).
    static func sku(_ context: EmporiumRequestContext) throws -> String {
        let sku = try context.parameters.require("sku")
        guard SKU.isValid(sku) else { throw Problem.notFound("No SKU \(sku) in the catalog.") }
        return sku
    }

    private func requireCatalogSku(_ sku: String) async throws {
        let known = try await callingService(CatalogClient.peer) { try await self.catalog.variants(skus: [sku]) }
        guard known[sku] != nil else {
            throw Problem.notFound("No SKU \(sku) in the catalog.")
        }
    }
}
