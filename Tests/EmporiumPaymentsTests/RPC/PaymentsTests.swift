import EmporiumClients
import EmporiumCore
import EmporiumPayments
import EmporiumTesting
import Foundation
import GRPCCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import Testing

/// The payments service over its gRPC API (in-process, as embedded) on both databases: the
/// test cards, the state machine, idempotency, the ledger, and the admin read route.
@Suite struct PaymentsTests {
    static func with(_ kind: TestDatabaseKind, _ body: @escaping @Sendable (PaymentsClient, PaymentsStore, any Database, any TestClientProtocol) async throws -> Void) async throws {
        // A longer RPC deadline than the suite's 15 s: under the full suite's load the random
        // workload below (30 payments, concurrent, on one SQLite writer) has overrun 15 s.
        var settings = ServerSettings.forTests
        settings.rpcPolicy.timeout = .seconds(60)
        _ = try await TestPlatform.with(kind, services: [PaymentsService.self], settings: settings) { platform in
            let client = try platform.rpc!.client(PaymentsClient.self)
            let database = try #require(platform.units[0].database)
            try await platform.buildApplication().test(.router) { http in
                try await body(client, PaymentsStore(database: database), database, http)
            }
        }
    }

    static func card(_ number: String = "4242424242424242", cvc: String = "123") -> CardDetails {
        CardDetails(number: number, expMonth: 12, expYear: Orders.cardExpYear, cvc: cvc)
    }

    static func usd(_ amount: Int) -> Money { Money(amount: amount, currency: "USD") }

    @Test(arguments: TestDatabaseKind.allCases)
    func testCardsAndIdempotentAuthorize(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { payments, _, _, _ in
            let approved = try await payments.authorize(orderId: "ord-1", amount: Self.usd(2599), card: Self.card())
            #expect(approved.status == .authorized && approved.brand == "visa" && approved.last4 == "4242" && approved.amount == 2599)
            let again = try await payments.authorize(orderId: "ord-1", amount: Self.usd(2599), card: Self.card())
            #expect(again.id == approved.id && again.events.count == 1)

            for (number, code) in [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds"), ("4000000000000119", "processing_error")] {
                let declined = try await payments.authorize(orderId: "ord-\(code)", amount: Self.usd(100), card: Self.card(number))
                #expect(declined.status == .failed && declined.declineCode == code)
                #expect(declined.events.map(\.type) == ["failed"])
            }
            #expect(try await payments.authorize(orderId: "ord-mc", amount: Self.usd(1), card: Self.card("5555555555554444")).brand == "mastercard")

            let invalid = await #expect(throws: RPCError.self) {
                _ = try await payments.authorize(orderId: "ord-bad", amount: Self.usd(100), card: Self.card("4242424242424241"))
            }
            #expect(invalid?.code == .invalidArgument)
            #expect(invalid?.message.contains("4242") == false)
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func stateMachine(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { payments, _, _, _ in
            let first = try await payments.authorize(orderId: "o1", amount: Self.usd(1000), card: Self.card())
            #expect(try await payments.capture(paymentId: first.id).status == .captured)
            #expect(try await payments.capture(paymentId: first.id).status == .captured)
            let voidCaptured = await #expect(throws: RPCError.self) { _ = try await payments.void(paymentId: first.id) }
            #expect(voidCaptured?.code == .failedPrecondition)
            #expect(try await payments.refund(paymentId: first.id).status == .refunded)
            let refunded = try await payments.refund(paymentId: first.id)
            #expect(refunded.events.map(\.type) == ["authorized", "captured", "refunded"])

            let second = try await payments.authorize(orderId: "o2", amount: Self.usd(500), card: Self.card())
            let refundAuthorized = await #expect(throws: RPCError.self) { _ = try await payments.refund(paymentId: second.id) }
            #expect(refundAuthorized?.code == .failedPrecondition)
            #expect(try await payments.void(paymentId: second.id).status == .voided)
            #expect(try await payments.void(paymentId: second.id).status == .voided)
            let captureVoided = await #expect(throws: RPCError.self) { _ = try await payments.capture(paymentId: second.id) }
            #expect(captureVoided?.code == .failedPrecondition)

            let declined = try await payments.authorize(orderId: "o3", amount: Self.usd(500), card: Self.card("4000000000000002"))
            let captureFailed = await #expect(throws: RPCError.self) { _ = try await payments.capture(paymentId: declined.id) }
            #expect(captureFailed?.code == .failedPrecondition)
            let unknown = await #expect(throws: RPCError.self) { _ = try await payments.capture(paymentId: "pay_nope") }
            #expect(unknown?.code == .notFound)
        }
    }

    /// What each move answers is exactly what is then stored (the store builds its answers
    /// from what it wrote, on PostgreSQL from one statement per move, instead of reading
    /// the payment back), replays included; racing captures post once.
    @Test(arguments: TestDatabaseKind.allCases)
    func everyAnswerIsWhatIsStored(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { _, store, _, _ in
            let card = try PaymentCard.validate(number: "4242424242424242", expMonth: 12, expYear: Orders.cardExpYear, cvc: "123").get()
            let now = Date(timeIntervalSince1970: 1_800_000_000.123456)
            func stored(_ payment: Payment) async throws {
                #expect(try await store.payment(id: payment.id) == payment)
            }
            let authorized = try await store.record(orderId: "s-1", amount: Self.usd(4200), card: card, declineCode: nil, now: now)
            #expect(authorized.status == .authorized && authorized.events.map(\.type) == ["authorized"])
            try await stored(authorized)
            #expect(try await store.record(orderId: "s-1", amount: Self.usd(1), card: card, declineCode: nil, now: now) == authorized)
            let declined = try await store.record(orderId: "s-2", amount: Self.usd(100), card: card, declineCode: "card_declined", now: now)
            #expect(declined.status == .failed && declined.declineCode == "card_declined")
            try await stored(declined)

            let captured = try await store.capture(id: authorized.id, now: now.addingTimeInterval(1))
            #expect(captured.events.map(\.type) == ["authorized", "captured"])
            try await stored(captured)
            #expect(try await store.capture(id: authorized.id, now: now.addingTimeInterval(2)) == captured)
            let refunded = try await store.refund(id: authorized.id, now: now.addingTimeInterval(3))
            #expect(refunded.status == .refunded && refunded.events.map(\.type) == ["authorized", "captured", "refunded"])
            try await stored(refunded)
            await #expect(throws: PaymentsError.self) { _ = try await store.void(id: authorized.id, now: now) }
            await #expect(throws: PaymentsError.self) { _ = try await store.capture(id: "pay_none", now: now) }

            // Voiding by order: a placeholder for an order without a payment, else its payment.
            let placeholder = try await store.void(orderId: "s-3", now: now)
            #expect(placeholder.status == .voided && placeholder.amount == Money(amount: 0, currency: "XXX"))
            try await stored(placeholder)
            let held = try await store.record(orderId: "s-4", amount: Self.usd(700), card: card, declineCode: nil, now: now)
            let voided = try await store.void(orderId: "s-4", now: now.addingTimeInterval(1))
            #expect(voided.id == held.id && voided.events.map(\.type) == ["authorized", "voided"])
            try await stored(voided)

            let raced = try await store.record(orderId: "s-5", amount: Self.usd(900), card: card, declineCode: nil, now: now)
            let answers = try await withThrowingTaskGroup(of: Payment.self) { group in
                for _ in 0..<12 { group.addTask { try await store.capture(id: raced.id, now: Date()) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == .captured && $0.events.count == 2 })
            #expect(try await store.balance(account: "cash") == 900)
            #expect(try await store.ledgerCheck().unbalancedTransactions.isEmpty)
        }
    }

    /// Random captures, voids and refunds, replayed and concurrent: every ledger transaction
    /// and the whole ledger sum to zero, and cash holds exactly what is captured and kept.
    @Test(arguments: TestDatabaseKind.allCases)
    func theLedgerBalancesAfterARandomWorkload(_ kind: TestDatabaseKind) async throws {
        try await Self.with(kind) { payments, store, _, _ in
            var generator = SeededGenerator(seed: 7)
            var plans: [(amount: Int, actions: [String])] = []
            for _ in 0..<30 {
                let actions = [["capture"], ["capture", "refund"], ["void"], ["capture", "capture", "refund", "refund"], ["void", "capture"]]
                plans.append((Int.random(in: 1...100_000, using: &generator), actions[Int.random(in: 0..<5, using: &generator)]))
            }
            let finals = try await withThrowingTaskGroup(of: PaymentOutcome.self) { group in
                for (index, plan) in plans.enumerated() {
                    group.addTask {
                        let payment = try await payments.authorize(orderId: "w-\(index)", amount: Self.usd(plan.amount), card: Self.card())
                        for action in plan.actions {
                            switch action {
                            case "capture": _ = try? await payments.capture(paymentId: payment.id)
                            case "refund": _ = try? await payments.refund(paymentId: payment.id)
                            default: _ = try? await payments.void(paymentId: payment.id)
                            }
                        }
                        return try await payments.payment(orderId: "w-\(index)")
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let check = try await store.ledgerCheck()
            #expect(check.total == 0)
            #expect(check.unbalancedTransactions.isEmpty)
            let kept = finals.filter { $0.status == .captured }.reduce(0) { $0 + Int($1.amount) }
            #expect(try await store.balance(account: "cash") == kept)
            #expect(try await store.balance(account: "sales") == -kept)
        }
    }

    /// Checkouts with approved, declined and failing cards through every service (one
    /// database holds all their tables here): no table anywhere — orders, outbox, idempotency
    /// keys, payments, events, ledger, carts, stock, catalog, identity — holds a card number,
    /// its CVC, or a digit run that is a card's number; only the last four.
    @Test(arguments: TestDatabaseKind.allCases)
    func theCardNumberIsNeverStored(_ kind: TestDatabaseKind) async throws {
        let cards = ["5555555555554444", "4000000000000002", "4000000000000119", "4242424242424242"]
        let cvc = "917"
        try await OrdersAPI.with(kind) { shop in
            let client = shop.client
            let sku = try await client.createSKU(stock: 20)
            for (index, number) in cards.enumerated() {
                try await client.addToCart(user: "pan\(index)", sku: sku, quantity: 1)
                var body = Orders.checkoutBody()
                body["payment"] = ["card": ["number": number, "expMonth": 12, "expYear": Orders.cardExpYear, "cvc": cvc]]
                let status = try await client.checkout(user: "pan\(index)", key: "pan-key-\(index)", body: body).status.code
                #expect([201, 402].contains(status), "\(number): \(status)")
                // A replay reads the stored answer back; it must not need the card either.
                _ = try await client.checkout(user: "pan\(index)", key: "pan-key-\(index)", body: body)
            }
            // Let the outbox relay and every background writer settle.
            try await Task.sleep(for: .milliseconds(300))
            let texts = try await CardDataScan.everyText(shop.database)
            #expect(texts.keys.contains("idempotency_keys") && texts.keys.contains("order_outbox") && texts.keys.contains("payments"), "\(texts.keys.sorted())")
            #expect(texts.values.joined().contains("4444"))
            for (table, text) in texts {
                let found = try CardDataScan.findings(in: text, cards: cards, cvc: cvc)
                #expect(found.isEmpty, "\(table) holds \(found)")
            }
        }
    }

    @Test func adminReadsAnOrdersPayments() async throws {
        try await Self.with(.sqlite) { payments, _, _, http in
            let payment = try await payments.authorize(orderId: "ord-9", amount: Self.usd(4200), card: Self.card())
            _ = try await payments.capture(paymentId: payment.id)
            let admin: HTTPFields = [.authorization: "Bearer \(TestTokenVerifier.adminToken)"]
            try await http.execute(uri: "/api/v1/payments?orderId=ord-9", method: .get, headers: admin) { response in
                #expect(response.status == .ok)
                let item = try #require(try response.decode(API.Page<API.Payment>.self).items.first)
                #expect(item.id == payment.id && item.status == "captured")
                #expect(item.brand == "visa" && item.last4 == "4242")
                #expect(item.amount == API.Money(amount: 4200, currency: "USD"))
                #expect(item.events.map(\.type) == ["authorized", "captured"])
                // A list always has `nextCursor`, null on the last page: a raw check, since
                // decoding cannot tell null from absent.
                #expect(response.rawJSON.keys.contains("nextCursor"))
            }
            try await http.execute(uri: "/api/v1/payments?orderId=none", method: .get, headers: admin) {
                let page = try $0.decode(API.Page<API.Payment>.self)
                #expect(page.items.isEmpty)
            }
            try await http.execute(uri: "/api/v1/payments", method: .get, headers: admin) { $0.expectProblem(.badRequest) }
            try await http.execute(uri: "/api/v1/payments?orderId=ord-9", method: .get) { $0.expectProblem(.unauthorized) }
            try await http.execute(uri: "/api/v1/payments?orderId=ord-9", method: .get, headers: [.authorization: "Bearer \(TestTokenVerifier.customerToken)"]) {
                $0.expectProblem(.forbidden)
            }
        }
    }
}
