public import EmporiumCore
import Foundation

/// A product's editable fields, validated: what create and update store.
public struct ProductDraft: Sendable, Equatable {
    public var name: String
    public var slug: String
    public var description: String
    public var categoryId: String
    public var imageUrl: String?
    public var variants: [VariantDraft]

    public init(name: String, slug: String, description: String, categoryId: String, imageUrl: String?, variants: [VariantDraft]) {
        self.name = name
        self.slug = slug
        self.description = description
        self.categoryId = categoryId
        self.imageUrl = imageUrl
        self.variants = variants
    }

    /// The lowest variant price: a product's list price.
    public var price: Money {
        let amount = self.variants.map(\.price.amount).min() ?? 0
        return Money(amount: amount, currency: Money.defaultCurrency)
    }
}

public struct VariantDraft: Sendable, Equatable {
    public var sku: String
    public var name: String
    public var price: Money
    public var attributes: [String: String]

    public init(sku: String, name: String, price: Money, attributes: [String: String]) {
        self.sku = sku
        self.name = name
        self.price = price
        self.attributes = attributes
    }
}

/// The rules every product must satisfy, collected so one 422 lists every broken field.
public enum ProductRules {
    public static let maxVariants = 100

    public static func validate(_ draft: ProductDraft) throws {
        var errors: [FieldError] = []
        errors += TextRules.check(draft.name, field: "name", max: 200)
        if !Slug.isValid(draft.slug) {
            errors.append(FieldError(field: "slug", message: "must be 1–100 lowercase letters, digits and single hyphens"))
        }
        if draft.description.count > 5000 {
            errors.append(FieldError(field: "description", message: "must be at most 5000 characters"))
        }
        if draft.categoryId.isEmpty {
            errors.append(FieldError(field: "categoryId", message: "must not be empty"))
        }
        if let url = draft.imageUrl, !Self.isWebURL(url) {
            errors.append(FieldError(field: "imageUrl", message: "must be an http or https URL of at most 2048 characters"))
        }
        if draft.variants.isEmpty || draft.variants.count > self.maxVariants {
            errors.append(FieldError(field: "variants", message: "must list 1 to \(self.maxVariants) variants"))
        }
        var seen = Set<String>()
        for (index, variant) in draft.variants.enumerated() {
            let field = "variants[\(index)]"
            if !SKU.isValid(variant.sku) {
                errors.append(FieldError(field: "\(field).sku", message: SKU.rule))
            } else if !seen.insert(variant.sku).inserted {
                errors.append(FieldError(field: "\(field).sku", message: "is listed twice"))
            }
            errors += TextRules.check(variant.name, field: "\(field).name", max: 200)
            if !(0...Money.maximumAmount).contains(variant.price.amount) {
                errors.append(FieldError(field: "\(field).price.amount", message: "must be an integer from 0 to \(Money.maximumAmount) minor units"))
            }
            if variant.price.currency != Money.defaultCurrency {
                errors.append(FieldError(field: "\(field).price.currency", message: "must be \(Money.defaultCurrency), this shop's currency"))
            }
            if variant.attributes.count > 20 {
                errors.append(FieldError(field: "\(field).attributes", message: "must have at most 20 entries"))
            }
            for (key, value) in variant.attributes where key.isEmpty || key.count > 50 || value.count > 100 {
                errors.append(FieldError(field: "\(field).attributes", message: "keys must be 1–50 characters and values at most 100"))
                break
            }
        }
        if !errors.isEmpty {
            throw CatalogError.invalid(errors)
        }
    }

    static func isWebURL(_ text: String) -> Bool {
        guard text.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else {
            return false
        }
        return (scheme == "http" || scheme == "https") && !host.isEmpty
    }
}

/// Rules for human-readable text fields.
enum TextRules {
    static func check(_ text: String, field: String, max: Int) -> [FieldError] {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return [FieldError(field: field, message: "must not be empty")]
        }
        if text.count > max {
            return [FieldError(field: field, message: "must be at most \(max) characters")]
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return [FieldError(field: field, message: "must not contain control characters")]
        }
        return []
    }
}
