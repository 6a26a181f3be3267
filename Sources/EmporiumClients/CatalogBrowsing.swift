/// Catalog as the storefront shows it: categories, pages of products, one product.
public protocol CatalogBrowsing: Sendable {
    func categories() async throws -> [ShelfCategory]
    /// A page of listed products; throws INVALID_ARGUMENT for a bad sort, limit or cursor.
    func products(_ query: ShelfQuery) async throws -> ShelfPage
    /// A listed product by id or slug; nil when there is none (or it is archived).
    func product(idOrSlug: String) async throws -> ShelfProduct?
}

public struct ShelfCategory: Sendable, Equatable {
    public var id: String
    public var slug: String
    public var name: String
    public var productCount: Int

    public init(id: String, slug: String, name: String, productCount: Int) {
        self.id = id
        self.slug = slug
        self.name = name
        self.productCount = productCount
    }
}

/// What to list: the public API's `category`, `q`, `sort`, `limit` and `cursor`.
public struct ShelfQuery: Sendable, Equatable {
    public var category: String?
    public var search: String?
    /// name, price, -price or newest.
    public var sort: String
    public var limit: Int
    public var cursor: String?

    public init(category: String? = nil, search: String? = nil, sort: String = "name", limit: Int = 20, cursor: String? = nil) {
        self.category = category
        self.search = search
        self.sort = sort
        self.limit = limit
        self.cursor = cursor
    }
}

public struct ShelfPage: Sendable, Equatable {
    public var products: [ShelfProduct]
    /// Nil on the last page.
    public var nextCursor: String?

    public init(products: [ShelfProduct], nextCursor: String?) {
        self.products = products
        self.nextCursor = nextCursor
    }
}

/// A product with its variants; amounts in minor units of `currency` (ISO 4217).
public struct ShelfProduct: Sendable, Equatable {
    public struct Variant: Sendable, Equatable {
        public var sku: String
        public var name: String
        public var priceAmount: Int
        public var attributes: [String: String]

        public init(sku: String, name: String, priceAmount: Int, attributes: [String: String] = [:]) {
            self.sku = sku
            self.name = name
            self.priceAmount = priceAmount
            self.attributes = attributes
        }
    }

    public var id: String
    public var slug: String
    public var name: String
    public var description: String
    public var categoryId: String
    public var imageUrl: String?
    /// The lowest variant price.
    public var priceAmount: Int
    public var currency: String
    public var variants: [Variant]

    public init(
        id: String, slug: String, name: String, description: String, categoryId: String, imageUrl: String?,
        priceAmount: Int, currency: String, variants: [Variant]
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.description = description
        self.categoryId = categoryId
        self.imageUrl = imageUrl
        self.priceAmount = priceAmount
        self.currency = currency
        self.variants = variants
    }
}
