import Dispatch
import Foundation
import NIOHTTP1

/// One request of the shop mix, with what it needs to be sent.
enum LoadAction: Sendable {
    case categories
    case categoryList(category: String)
    case nextPage(category: String, cursor: String)
    case detail(id: String)
    case search(word: String)
    case cartAdd(sku: String, quantity: Int)
    case cartSet(sku: String, quantity: Int)
    case cartRemove(sku: String)
    case checkout
    case orders

    /// The report's row: the route, never the raw path (as the server's metrics label them).
    var endpoint: String {
        switch self {
        case .categories: "GET /api/v1/categories"
        case .categoryList: "GET /api/v1/products?category"
        case .nextPage: "GET /api/v1/products?category&cursor"
        case .detail: "GET /api/v1/products/{id}"
        case .search: "GET /api/v1/products?q"
        case .cartAdd: "POST /api/v1/cart/items"
        case .cartSet: "PATCH /api/v1/cart/items/{sku}"
        case .cartRemove: "DELETE /api/v1/cart/items/{sku}"
        case .checkout: "POST /api/v1/orders"
        case .orders: "GET /api/v1/orders"
        }
    }
}

/// A signed-in virtual shopper: its session, what its cart holds and the list it last saw
/// (so it opens products from it and pages on). Owned by one task; never shared.
struct LoadShopper: Sendable {
    let index: Int
    var accessToken: String
    var refreshToken: String
    /// When to refresh the access token (uptime nanoseconds): before it expires.
    var refreshAt: UInt64
    /// SKU → quantity, as the server's last cart answer said.
    var cart: [String: Int] = [:]
    /// The Idempotency-Key of a checkout whose outcome is unknown (5xx, timeout, no answer):
    /// the next checkout sends it again, as a shop's client must, so a retry finds the
    /// order instead of charging twice.
    var pendingCheckoutKey: String?
    var lastList: (category: String?, ids: [String], cursor: String?)?

    init(index: Int, session: [String: Any]) {
        self.index = index
        self.accessToken = session["accessToken"] as? String ?? ""
        self.refreshToken = session["refreshToken"] as? String ?? ""
        self.refreshAt = 0
        self.renew(session)
    }

    mutating func renew(_ session: [String: Any]) {
        self.accessToken = session["accessToken"] as? String ?? self.accessToken
        self.refreshToken = session["refreshToken"] as? String ?? self.refreshToken
        // At 80% of the lifetime (15 min by default), so no request meets an expired token.
        let lifetime = (session["expiresIn"] as? Double) ?? 900
        self.refreshAt = DispatchTime.now().uptimeNanoseconds + UInt64(lifetime * 0.8 * 1e9)
    }

    /// The next request, drawn from the mix: browse 45% (categories, a category's first
    /// page, the next page of the last list), product detail 30%, search 10%, cart changes
    /// 10%, checkout 3%, order history 2%. A checkout with an empty cart (422, nothing to
    /// measure) puts something in the cart instead; a cart holds at most 4 lines.
    func next(_ catalog: LoadCatalog, using rng: inout some RandomNumberGenerator) -> LoadAction {
        let roll = Int.random(in: 0..<100, using: &rng)
        switch roll {
        case 0..<45:
            if Int.random(in: 0..<5, using: &rng) == 0 { return .categories }
            if let last = self.lastList, let category = last.category, let cursor = last.cursor, Bool.random(using: &rng) {
                return .nextPage(category: category, cursor: cursor)
            }
            return .categoryList(category: catalog.categories.randomElement(using: &rng) ?? "")
        case 45..<75:
            // Mostly a product from the list on screen, as a shopper clicks through.
            if let ids = self.lastList?.ids, !ids.isEmpty, Int.random(in: 0..<10, using: &rng) < 7 {
                return .detail(id: ids.randomElement(using: &rng) ?? "")
            }
            return .detail(id: catalog.products.randomElement(using: &rng) ?? "")
        case 75..<85:
            return .search(word: catalog.words.randomElement(using: &rng) ?? "")
        case 85..<95:
            return self.cartChange(catalog, using: &rng)
        case 95..<98:
            return self.cart.isEmpty ? self.add(catalog, using: &rng) : .checkout
        default:
            return .orders
        }
    }

    private func cartChange(_ catalog: LoadCatalog, using rng: inout some RandomNumberGenerator) -> LoadAction {
        guard let sku = self.cart.keys.randomElement(using: &rng) else { return self.add(catalog, using: &rng) }
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<5 where self.cart.count < 4: return self.add(catalog, using: &rng)
        case 0..<7: return .cartSet(sku: sku, quantity: Int.random(in: 1...3, using: &rng))
        default: return .cartRemove(sku: sku)
        }
    }

    private func add(_ catalog: LoadCatalog, using rng: inout some RandomNumberGenerator) -> LoadAction {
        .cartAdd(sku: catalog.skus.randomElement(using: &rng) ?? "", quantity: Int.random(in: 1...2, using: &rng))
    }

    /// The checkout-heavy mix of the chaos runs: fill the cart (one or two lines), check out.
    func nextCheckout(_ catalog: LoadCatalog, using rng: inout some RandomNumberGenerator) -> LoadAction {
        if self.pendingCheckoutKey != nil { return .checkout }
        if self.cart.isEmpty || (self.cart.count < 2 && Bool.random(using: &rng)) { return self.add(catalog, using: &rng) }
        return .checkout
    }

    /// Method, path, body and idempotency key of an action.
    mutating func request(_ action: LoadAction) -> (method: HTTPMethod, path: String, body: [String: Any]?, key: String?) {
        if case .checkout = action, self.pendingCheckoutKey == nil { self.pendingCheckoutKey = UUID().uuidString }
        return self.describe(action)
    }

    private func describe(_ action: LoadAction) -> (method: HTTPMethod, path: String, body: [String: Any]?, key: String?) {
        switch action {
        case .categories: (.GET, "/api/v1/categories", nil, nil)
        case .categoryList(let category): (.GET, "/api/v1/products?category=\(queryEscaped(category))&limit=20", nil, nil)
        case .nextPage(let category, let cursor):
            (.GET, "/api/v1/products?category=\(queryEscaped(category))&limit=20&cursor=\(queryEscaped(cursor))", nil, nil)
        case .detail(let id): (.GET, "/api/v1/products/\(queryEscaped(id))", nil, nil)
        case .search(let word): (.GET, "/api/v1/products?q=\(queryEscaped(word))&limit=20", nil, nil)
        case .cartAdd(let sku, let quantity): (.POST, "/api/v1/cart/items", ["sku": sku, "quantity": quantity], nil)
        case .cartSet(let sku, let quantity): (.PATCH, "/api/v1/cart/items/\(queryEscaped(sku))", ["quantity": quantity], nil)
        case .cartRemove(let sku): (.DELETE, "/api/v1/cart/items/\(queryEscaped(sku))", nil, nil)
        case .checkout: (.POST, "/api/v1/orders", Self.checkoutBody, self.pendingCheckoutKey)
        case .orders: (.GET, "/api/v1/orders?limit=10", nil, nil)
        }
    }

    /// What the answer changes: the list on screen, the cart.
    mutating func absorb(_ action: LoadAction, _ answer: LoadHTTP.Answer) {
        switch action {
        case .categoryList(let category), .nextPage(let category, _):
            guard answer.ok else { return }
            let json = answer.json()
            let ids = (json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            self.lastList = (category, ids, json["nextCursor"] as? String)
        case .search:
            guard answer.ok else { return }
            let ids = (answer.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            self.lastList = (nil, ids, nil)
        case .cartAdd, .cartSet, .cartRemove:
            if answer.ok {
                var cart: [String: Int] = [:]
                for line in answer.json()["items"] as? [[String: Any]] ?? [] {
                    if let sku = line["sku"] as? String { cart[sku] = line["quantity"] as? Int ?? 1 }
                }
                self.cart = cart
            } else if answer.status == 404, case .cartSet(let sku, _) = action {
                self.cart[sku] = nil
            } else if answer.status == 404, case .cartRemove(let sku) = action {
                self.cart[sku] = nil
            }
        case .checkout:
            // A paid order empties the cart (API.md); a refused one keeps it. Only an
            // answer that settles the outcome (2xx, or 4xx but 409's "still in progress")
            // ends the key; anything else is retried with it.
            if answer.status == 201 { self.cart = [:] }
            guard let status = answer.status, (200..<500).contains(status) else { return }
            let inProgress = status == 409 && !((answer.json()["type"] as? String)?.hasSuffix("/out-of-stock") ?? false)
            if !inProgress { self.pendingCheckoutKey = nil }
        case .categories, .detail, .orders:
            break
        }
    }

    static var checkoutBody: [String: Any] {
        [
            "shippingAddress": ["name": "Load Shopper", "line1": "1 Load Street", "city": "Springfield", "postalCode": "12345", "country": "US"],
            "payment": ["card": ["number": "4242424242424242", "expMonth": 12, "expYear": Calendar.current.component(.year, from: Date()) + 3, "cvc": "123"]],
        ]
    }
}
