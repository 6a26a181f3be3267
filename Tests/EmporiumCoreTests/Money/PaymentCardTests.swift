import EmporiumCore
import Foundation
import Testing

@Suite struct PaymentCardTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-25T12:00:00Z") ?? Date()

    static func check(_ number: String, _ month: Int = 12, _ year: Int = 2030, _ cvc: String = "123") -> [String] {
        switch PaymentCard.validate(number: number, expMonth: month, expYear: year, cvc: cvc, now: Self.now) {
        case .success: []
        case .failure(let invalid): invalid.errors.map(\.field)
        }
    }

    @Test func luhnAndBrands() throws {
        let cases: [(String, PaymentCard.Brand)] = [
            ("4242424242424242", .visa), ("5555555555554444", .mastercard), ("2223003122003222", .mastercard),
            ("378282246310005", .amex), ("6011111111111117", .discover), ("6200000000000005", .unknown),
        ]
        for (number, brand) in cases {
            let cvc = brand == .amex ? "1234" : "123"
            let card = try PaymentCard.validate(number: number, expMonth: 1, expYear: 2031, cvc: cvc, now: Self.now).get()
            #expect(card.brand == brand, "\(number)")
            #expect(card.last4 == String(number.suffix(4)))
        }
        #expect(Self.check("4242424242424241") == ["number"])
        #expect(Self.check("4242 4242 4242 4242") == ["number"])
        #expect(Self.check("42424242") == ["number"])
        #expect(Self.check("") == ["number"])
    }

    @Test func expiryAndCVC() {
        #expect(Self.check("4242424242424242", 11, 2026).isEmpty)  // this month still counts
        #expect(Self.check("4242424242424242", 10, 2026) == ["expYear"])
        #expect(Self.check("4242424242424242", 13, 2030) == ["expMonth"])
        #expect(Self.check("4242424242424242", 0, 30) == ["expMonth", "expYear"])
        #expect(Self.check("4242424242424242", 12, 2030, "12") == ["cvc"])
        #expect(Self.check("4242424242424242", 12, 2030, "1234") == ["cvc"])
        #expect(Self.check("378282246310005", 12, 2030, "123") == ["cvc"])
        #expect(Self.check("4242424242424242", 12, 2030, "12a") == ["cvc"])
    }

    @Test func messagesNeverEchoTheNumber() {
        guard case .failure(let invalid) = PaymentCard.validate(number: "4242424242424241", expMonth: 1, expYear: 2000, cvc: "x", now: Self.now) else {
            Issue.record("expected a failure")
            return
        }
        #expect(invalid.errors.allSatisfy { !$0.message.contains("4242") })
    }
}
