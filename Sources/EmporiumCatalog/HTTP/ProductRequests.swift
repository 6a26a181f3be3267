import EmporiumCore
import Foundation

/// `POST /api/v1/products` body.
struct CreateProductRequest: Decodable, Sendable {
    var name: String
    var slug: String?
    var description: String
    var categoryId: String
    var imageUrl: String?
    var variants: [VariantInput]

    func draft() -> ProductDraft {
        ProductDraft(
            name: self.name,
            slug: self.slug ?? Slug.derive(from: self.name),
            description: self.description,
            categoryId: self.categoryId,
            imageUrl: self.imageUrl,
            variants: self.variants.map { $0.draft() }
        )
    }
}

struct VariantInput: Decodable, Sendable {
    var sku: String
    var name: String
    var price: Money
    var attributes: [String: String]?

    func draft() -> VariantDraft {
        VariantDraft(sku: self.sku, name: self.name, price: self.price, attributes: self.attributes ?? [:])
    }
}

/// `PATCH /api/v1/products/{id}` body: a JSON merge patch (RFC 7396). An absent member
/// keeps the current value, `null` removes an optional one, `variants` replaces the list.
struct UpdateProductRequest: Decodable, Sendable {
    var name: PatchField<String>
    var slug: PatchField<String>
    var description: PatchField<String>
    var categoryId: PatchField<String>
    var imageUrl: PatchField<String>
    var variants: PatchField<[VariantInput]>

    enum CodingKeys: String, CodingKey {
        case name, slug, description, categoryId, imageUrl, variants
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decodePatch(String.self, forKey: .name)
        self.slug = try container.decodePatch(String.self, forKey: .slug)
        self.description = try container.decodePatch(String.self, forKey: .description)
        self.categoryId = try container.decodePatch(String.self, forKey: .categoryId)
        self.imageUrl = try container.decodePatch(String.self, forKey: .imageUrl)
        self.variants = try container.decodePatch([VariantInput].self, forKey: .variants)
    }

    /// The product with this patch applied; required members set to `null` are a 422.
    func applied(to product: Product) throws -> ProductDraft {
        var errors: [FieldError] = []
        func required<T>(_ field: PatchField<T>, _ name: String, current: T) -> T {
            switch field {
            case .absent: return current
            case .value(let value): return value
            case .null:
                errors.append(FieldError(field: name, message: "must not be null"))
                return current
            }
        }
        let draft = ProductDraft(
            name: required(self.name, "name", current: product.name),
            slug: required(self.slug, "slug", current: product.slug),
            description: required(self.description, "description", current: product.description),
            categoryId: required(self.categoryId, "categoryId", current: product.categoryId),
            imageUrl: {
                switch self.imageUrl {
                case .absent: product.imageUrl
                case .null: nil
                case .value(let url): url
                }
            }(),
            variants: required(
                self.variants.map { $0.map { $0.draft() } },
                "variants",
                current: product.variants.map { VariantDraft(sku: $0.sku, name: $0.name, price: $0.price, attributes: $0.attributes) }
            )
        )
        if !errors.isEmpty {
            throw Problem.validation(errors)
        }
        return draft
    }
}

/// `POST /api/v1/categories` body.
struct CreateCategoryRequest: Decodable, Sendable {
    var slug: String
    var name: String

    func validate() throws {
        var errors: [FieldError] = []
        if !Slug.isValid(self.slug) {
            errors.append(FieldError(field: "slug", message: "must be 1–100 lowercase letters, digits and single hyphens"))
        }
        errors += TextRules.check(self.name, field: "name", max: 100)
        if !errors.isEmpty {
            throw Problem.validation(errors)
        }
    }
}
