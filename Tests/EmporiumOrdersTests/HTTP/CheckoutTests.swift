import EmporiumClients
import EmporiumCore
import EmporiumPayments
import EmporiumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Every outcome row of API.md's checkout table, on SQLite and PostgreSQL.
@Suite struct CheckoutTests {
    @Test(arguments: TestDatabaseKind.allCases)
    func paidOrder(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let mug = try await client.createSKU(stock: 10, amount: 1250)
            let pen = try await client.createSKU(stock: 5, amount: 199)
            try await client.addToCart(user: "u1", sku: mug, quantity: 2)
            try await client.addToCart(user: "u1", sku: pen, quantity: 3)

            let response = try await client.checkout(user: "u1")
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let order = try response.decode(API.Order.self)
            let id = order.id
            #expect(response.headers[.location] == "/api/v1/orders/\(id)")
            #expect(order.status == "paid")
            #expect(order.total.amount == 2 * 1250 + 3 * 199)
            #expect(order.subtotal.amount == 2 * 1250 + 3 * 199)
            #expect(order.shipping.amount == 0)
            #expect(order.tax.amount == 0)
            let payment = order.payment
            #expect(payment.status == "captured" && payment.brand == "visa" && payment.last4 == "4242")
            #expect(order.items.map(\.sku) == [mug, pen])
            #expect(order.items.map(\.quantity) == [2, 3])
            #expect(order.shippingAddress.country == "US")
            #expect(!String(buffer: response.body).contains("4242424242424242"))

            // Stock committed, cart emptied, one captured payment.
            #expect(try await OrdersAPI.stock(client, mug) == (8, 0))
            #expect(try await OrdersAPI.stock(client, pen) == (2, 0))
            #expect(try await OrdersAPI.cartCount(client, user: "u1") == 0)
            let payments = try await OrdersAPI.payments(client, orderId: id)
            #expect(payments.count == 1 && payments.first?.status == "captured")
            #expect(payments.first?.amount.amount == 3097)

            // Listed for the owner; detail for owner and admin; 404 for anyone else.
            #expect(try await OrdersAPI.orders(client, user: "u1").map(\.id) == [id])
            #expect(try await OrdersAPI.orders(client, user: "u2").isEmpty)
            #expect(try await OrdersAPI.order(client, id, as: TestUser.customer("u1")).status == .ok)
            #expect(try await OrdersAPI.order(client, id).status == .ok)
            try await OrdersAPI.order(client, id, as: TestUser.customer("u2")).expectProblem(.notFound)
            try await OrdersAPI.order(client, "ord-nope", as: TestUser.customer("u1")).expectProblem(.notFound)
            try await client.execute(uri: "/api/v1/orders", method: .get) { $0.expectProblem(.unauthorized) }
            try await shop.expectLedgerBalanced()
        }
    }

    /// The outbox delivers `order.paid` at least once; a redelivery must not take away what
    /// the shopper put in the cart after ordering.
    @Test(arguments: TestDatabaseKind.allCases)
    func redeliveredPaidEventLeavesLaterLinesAlone(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let (sku, id) = try await client.paidCheckout(user: "rd", quantity: 2, stock: 20)
            #expect(try await OrdersAPI.cartCount(client, user: "rd") == 0)
            try await client.addToCart(user: "rd", sku: sku, quantity: 1)
            let cart = try shop.platform.rpc!.client(CartClient.self)
            try await cart.removeOrdered(userId: "rd", orderId: id, lines: [(sku, 2)])
            #expect(try await OrdersAPI.cartCount(client, user: "rd") == 1)
            // Another order takes out only its own units.
            try await client.addToCart(user: "rd", sku: sku, quantity: 3)
            try await cart.removeOrdered(userId: "rd", orderId: "ord-other", lines: [(sku, 1)])
            #expect(try await OrdersAPI.cartCount(client, user: "rd") == 3)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func declinedCards(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let sku = try await client.createSKU(stock: 4)
            for (number, code) in [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds"), ("4000000000000119", "processing_error")] {
                try await client.addToCart(user: "d-\(code)", sku: sku, quantity: 2)
                let response = try await client.checkout(user: "d-\(code)", body: Orders.checkoutBody(card: number))
                let problem = response.expectProblem(HTTPResponse.Status(code: 402))
                #expect(problem?.type.hasSuffix("/payment-declined") == true)
                #expect(problem?.code == code)
                let id = try #require(problem?.orderId)
                // The order is failed and listed; stock released; nothing captured; cart kept.
                let listed = try await OrdersAPI.orders(client, user: "d-\(code)")
                #expect(listed.map(\.id) == [id])
                #expect(listed.first?.status == "failed")
                #expect(listed.first?.payment.status == "failed")
                #expect(try await OrdersAPI.stock(client, sku) == (4, 0))
                #expect(try await OrdersAPI.cartCount(client, user: "d-\(code)") == 2)
                #expect(try await OrdersAPI.payments(client, orderId: id).map(\.status) == ["failed"])
            }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func outOfStockAndNoLongerSold(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let scarce = try await client.createSKU(stock: 1)
            let plenty = try await client.createSKU(stock: 50)
            try await client.addToCart(user: "o1", sku: plenty, quantity: 1)
            try await client.addToCart(user: "o1", sku: scarce, quantity: 2)
            let response = try await client.checkout(user: "o1")
            let problem = response.expectProblem(.conflict)
            #expect(problem?.type.hasSuffix("/out-of-stock") == true)
            #expect(problem?.skus == [scarce])
            #expect(try await OrdersAPI.orders(client, user: "o1").isEmpty)
            #expect(try await OrdersAPI.stock(client, scarce) == (1, 0))
            #expect(try await OrdersAPI.stock(client, plenty) == (50, 0))
            #expect(try await OrdersAPI.cartCount(client, user: "o1") == 3)

            // A SKU archived after it went into the cart: refused the same way.
            let productId = try await client.createProduct(skus: ["GONE-1"], name: "Gone Soon")
            try await client.execute(uri: "/api/v1/inventory/GONE-1", method: .put, headers: TestUser.admin, body: .json(["onHand": 9])) { _ in }
            try await client.addToCart(user: "o2", sku: "GONE-1", quantity: 1)
            try await client.execute(uri: "/api/v1/products/\(productId)", method: .delete, headers: TestUser.admin) { #expect($0.status == .noContent) }
            let archived = try await client.checkout(user: "o2").expectProblem(.conflict)
            #expect(archived?.skus == ["GONE-1"])
            #expect(try await OrdersAPI.orders(client, user: "o2").isEmpty)
            #expect(try await OrdersAPI.stock(client, "GONE-1") == (9, 0))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func refusedInput(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            // Empty cart.
            let empty = try await client.checkout(user: "r1").expectProblem(.unprocessableContent)
            #expect(empty?.errors?.first?.field == "cart")
            let sku = try await client.skuInCart(user: "r1", quantity: 1, stock: 3)
            // Invalid address and card: every bad field named, the number never echoed.
            var body = Orders.checkoutBody(card: "4242424242424241", country: "XX", name: " ")
            let invalid = try await client.checkout(user: "r1", body: body)
            invalid.expectProblem(.unprocessableContent)
            #expect(Set(invalid.errorFields) == ["shippingAddress.name", "shippingAddress.country", "payment.card.number"])
            #expect(!String(buffer: invalid.body).contains("4242424242424241"))
            body = Orders.checkoutBody()
            body["payment"] = ["card": ["number": "4242424242424242", "expMonth": 1, "expYear": 2020, "cvc": "123"]]
            let expired = try await client.checkout(user: "r1", body: body)
            expired.expectProblem(.unprocessableContent)
            #expect(!expired.errorFields.isEmpty && expired.errorFields.allSatisfy { $0.hasPrefix("payment.card.exp") }, "\(expired.errorFields)")
            // Missing or oversized key: 400; wrong types: 400; no token: 401.
            try await client.checkout(user: "r1", key: nil).expectProblem(.badRequest)
            try await client.checkout(user: "r1", key: String(repeating: "k", count: 256)).expectProblem(.badRequest)
            // 255 bytes is the bound, not 255 characters; visible ASCII only.
            try await client.checkout(user: "r1", key: String(repeating: "é", count: 128)).expectProblem(.badRequest)
            try await client.checkout(user: "r1", key: "two words").expectProblem(.badRequest)
            body = Orders.checkoutBody()
            body["payment"] = ["card": ["number": 4242424242424242, "expMonth": "12", "expYear": Orders.cardExpYear, "cvc": "123"]]
            try await client.checkout(user: "r1", body: body).expectProblem(.badRequest)
            try await client.execute(uri: "/api/v1/orders", method: .post, headers: [.idempotencyKey: "k", .contentType: "application/json"], body: .json(Orders.checkoutBody())) {
                $0.expectProblem(.unauthorized)
            }
            #expect(try await OrdersAPI.orders(client, user: "r1").isEmpty)
            #expect(try await OrdersAPI.stock(client, sku) == (3, 0))
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func idempotencyKeys(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let sku = try await client.skuInCart(user: "i1", quantity: 2, stock: 20)
            let first = try await client.checkout(user: "i1", key: "key-1")
            #expect(first.status == .created)
            // Replay: the first response again, marked; never a second order or charge.
            try await client.addToCart(user: "i1", sku: sku, quantity: 1)
            let replay = try await client.checkout(user: "i1", key: "key-1")
            #expect(replay.status == .created && replay.headers[.idempotentReplayed] == "true")
            #expect(replay.body == first.body)
            // The headers that matter come back too: where the order is.
            #expect(first.headers[.location] != nil)
            #expect(replay.headers[.location] == first.headers[.location])
            // Same key, different body: 422.
            try await client.checkout(user: "i1", key: "key-1", body: Orders.checkoutBody(name: "Someone Else")).expectProblem(.unprocessableContent)
            // The card reaches the fingerprint only by its last four (the CVC not at all),
            // so the stored fingerprint says nothing about the card: another CVC is the same
            // request; another last four is not.
            var otherCVC = Orders.checkoutBody()
            otherCVC["payment"] = ["card": ["number": "4242424242424242", "expMonth": 12, "expYear": Orders.cardExpYear, "cvc": "987"]]
            let sameAgain = try await client.checkout(user: "i1", key: "key-1", body: otherCVC)
            #expect(sameAgain.status == .created && sameAgain.headers[.idempotentReplayed] == "true")
            try await client.checkout(user: "i1", key: "key-1", body: Orders.checkoutBody(card: "5555555555554444")).expectProblem(.unprocessableContent)
            #expect(try await OrdersAPI.orders(client, user: "i1").count == 1)
            #expect(try await OrdersAPI.stock(client, sku) == (18, 0))
            // A 402 is replayed too.
            let declined = try await client.checkout(user: "i1", key: "key-2", body: Orders.checkoutBody(card: "4000000000000002"))
            declined.expectProblem(HTTPResponse.Status(code: 402))
            let declinedAgain = try await client.checkout(user: "i1", key: "key-2", body: Orders.checkoutBody(card: "4000000000000002"))
            #expect(declinedAgain.status.code == 402 && declinedAgain.body == declined.body && declinedAgain.headers[.idempotentReplayed] == "true")

            // Ten identical requests at once: one order, one charge; the rest replay or see 409.
            try await client.addToCart(user: "i2", sku: sku, quantity: 1)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await client.checkout(user: "i2", key: "burst").status.code }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 201 || $0 == 409 } && statuses.contains(201), "\(statuses)")
            let orders = try await OrdersAPI.orders(client, user: "i2")
            #expect(orders.count == 1)
            let id = try #require(orders.first?.id)
            #expect(try await OrdersAPI.payments(client, orderId: id).count == 1)
            #expect(try await OrdersAPI.stock(client, sku) == (17, 0))
            // The same key from another user is their own request.
            try await client.addToCart(user: "i3", sku: sku, quantity: 1)
            #expect(try await client.checkout(user: "i3", key: "burst").status == .created)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func twentyBuyersForFiveUnits(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let sku = try await client.createSKU(stock: 5)
            for buyer in 0..<20 {
                try await client.addToCart(user: "race-\(buyer)", sku: sku, quantity: 1)
            }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for buyer in 0..<20 {
                    group.addTask { try await client.checkout(user: "race-\(buyer)").status.code }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == 409 }.count == 15, "\(statuses)")
            #expect(try await OrdersAPI.stock(client, sku) == (0, 0))
            var paid = 0
            for buyer in 0..<20 {
                for order in try await OrdersAPI.orders(client, user: "race-\(buyer)") {
                    #expect(order.status == "paid")
                    paid += 1
                }
            }
            #expect(paid == 5)
            try await shop.expectLedgerBalanced(cash: 5 * 1250)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func cancelAndShip(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let sku = try await client.createSKU(stock: 10)
            func paidOrder(_ user: String) async throws -> String {
                try await client.paidOrder(user: user, sku: sku, quantity: 2).id
            }
            let first = try await paidOrder("c1")
            #expect(try await OrdersAPI.stock(client, sku) == (8, 0))
            let post = { (path: String, headers: HTTPFields) in
                try await client.execute(uri: "/api/v1/orders/\(path)", method: .post, headers: headers) { $0 }
            }
            try await post("\(first)/cancel", TestUser.customer("c2")).expectProblem(.notFound)
            let cancelled = try await post("\(first)/cancel", TestUser.customer("c1"))
            #expect(cancelled.status == .ok)
            let cancelledOrder = try cancelled.decode(API.Order.self)
            #expect(cancelledOrder.status == "cancelled")
            #expect(cancelledOrder.payment.status == "refunded")
            #expect(try await OrdersAPI.stock(client, sku) == (10, 0))
            #expect(try await OrdersAPI.payments(client, orderId: first).first?.status == "refunded")
            try await post("\(first)/cancel", TestUser.customer("c1")).expectProblem(.conflict)
            try await post("\(first)/ship", TestUser.admin).expectProblem(.conflict)

            let second = try await paidOrder("c1")
            try await post("\(second)/ship", TestUser.customer("c1")).expectProblem(.forbidden)
            try await post("ord-nope/ship", TestUser.admin).expectProblem(.notFound)
            let shipped = try await post("\(second)/ship", TestUser.admin)
            #expect(try shipped.status == .ok && shipped.decode(API.Order.self).status == "shipped")
            try await post("\(second)/ship", TestUser.admin).expectProblem(.conflict)
            try await post("\(second)/cancel", TestUser.customer("c1")).expectProblem(.conflict)
            // An admin may cancel anyone's paid order.
            let third = try await paidOrder("c3")
            #expect(try await post("\(third)/cancel", TestUser.admin).decode(API.Order.self).status == "cancelled")
            // A failed order cannot be cancelled.
            try await client.addToCart(user: "c4", sku: sku, quantity: 1)
            let failed = try await client.checkout(user: "c4", body: Orders.checkoutBody(card: "4000000000000002")).decode(API.Problem.self).orderId ?? ""
            try await post("\(failed)/cancel", TestUser.customer("c4")).expectProblem(.conflict)

            try await shop.expectLedgerBalanced(cash: 2 * 1250)
        }
    }

    /// Ten cancels of one paid order at once: exactly one is the cancellation (200), every
    /// other is told it is no longer paid (409); one refund, one restock.
    @Test(arguments: TestDatabaseKind.allCases)
    func concurrentCancels(_ kind: TestDatabaseKind) async throws {
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let (sku, id) = try await client.paidCheckout(user: "cc", quantity: 3, stock: 10)
            #expect(try await OrdersAPI.stock(client, sku) == (7, 0))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await client.execute(uri: "/api/v1/orders/\(id)/cancel", method: .post, headers: TestUser.customer("cc")) { Int($0.status.code) }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 409 }.count == 9, "\(statuses)")
            let order = try await OrdersAPI.waitFor(client, order: id, status: "cancelled")
            #expect(order.status == "cancelled")
            // Restocked once: back to 10, not 13 or more.
            #expect(try await OrdersAPI.stock(client, sku) == (10, 0))
            let payments = try await OrdersAPI.payments(client, orderId: id)
            #expect(payments.map(\.status) == ["refunded"])
            try await shop.expectLedgerBalanced(cash: 0)
        }
    }

    @Test func pagingThroughOrders() async throws {
        try await OrdersAPI.with { shop in
            let client = shop.client
            let sku = try await client.createSKU(stock: 100)
            var ids: [String] = []
            for _ in 0..<5 {
                ids.append(try await client.paidOrder(user: "p1", sku: sku, quantity: 1).id)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/orders?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.execute(uri: uri, method: .get, headers: TestUser.customer("p1")) { try $0.decode(API.Page<API.Order>.self) }
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == ids.reversed())
            try await client.execute(uri: "/api/v1/orders?cursor=nonsense", method: .get, headers: TestUser.customer("p1")) { $0.expectProblem(.badRequest) }
            // Cursors are signed: a well-formed one the server did not sign (the old format) is a 400 too.
            let unsigned = Data(#"{"sort":"orders","number":999999,"id":""}"#.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            try await client.execute(uri: "/api/v1/orders?cursor=\(unsigned)", method: .get, headers: TestUser.customer("p1")) { $0.expectProblem(.badRequest) }
            try await client.execute(uri: "/api/v1/orders?limit=0", method: .get, headers: TestUser.customer("p1")) { $0.expectProblem(.badRequest) }
        }
    }
}
