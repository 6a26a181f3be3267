public import EmporiumCore
public import Foundation

/// The catalog's data. One SQL implementation serves SQLite and PostgreSQL.
public protocol CatalogStore: Sendable {
    func listCategories() async throws -> [Category]
    /// The category with this id or slug.
    func category(idOrSlug: String) async throws -> Category?
    /// Throws a 409 problem when the slug is taken.
    func createCategory(slug: String, name: String, now: Date) async throws -> Category

    /// One page of listed products and, when more follow, the cursor for the next page.
    func listProducts(_ query: ProductQuery) async throws -> (items: [Product], next: PageCursor?)
    /// One page as the products' stored JSON documents (what the list route sends).
    func listProductDocuments(_ query: ProductQuery) async throws -> (documents: [String], next: PageCursor?)
    /// A listed (not archived) product.
    func product(id: String) async throws -> Product?
    /// A listed product's JSON document (what the detail route sends).
    func productDocument(id: String) async throws -> String?
    /// Renders and stores the document of every listed product whose stored one is missing
    /// or out of date; returns how many.
    func renderStaleDocuments() async throws -> Int
    /// A listed product by its slug (the storefront's product pages).
    func product(slug: String) async throws -> Product?
    /// Throws 409 for a taken slug or SKU, 422 for an unknown category.
    func createProduct(_ draft: ProductDraft, now: Date) async throws -> Product
    /// Replaces a listed product's fields; nil when there is no such listed product.
    func updateProduct(id: String, _ draft: ProductDraft, now: Date) async throws -> Product?
    /// Archives a listed product; false when there is no such listed product.
    func archiveProduct(id: String, now: Date) async throws -> Bool
    /// What cart and orders need to know about each of these SKUs, archived or not;
    /// unknown SKUs are simply absent.
    func saleableVariants(skus: [String]) async throws -> [SaleableVariant]
    func categoryCount() async throws -> Int
    /// A number that grows with every committed catalog write, from any instance.
    func revision() async throws -> Int
}
