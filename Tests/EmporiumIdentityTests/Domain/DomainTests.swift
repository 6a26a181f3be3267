@testable import EmporiumIdentity
import Testing
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import EmporiumCore
import Foundation

@Suite struct IdentityDomainTests {
    @Test(arguments: [("  Ada@Example.COM ", "ada@example.com"), ("x@y.z", "x@y.z")])
    func emailsNormalize(_ raw: String, _ key: String) {
        #expect(EmailAddress.normalize(raw) == key)
    }

    @Test(arguments: ["ada@example.com", "a.b+c@mail.example.co.uk"])
    func validEmails(_ email: String) {
        #expect(EmailAddress.isValid(email))
    }

    @Test(arguments: ["", "ada", "@example.com", "ada@", "ada@example", "a da@example.com", "a@b@c.d", "ada@example..com"])
    func invalidEmails(_ email: String) {
        #expect(!EmailAddress.isValid(email))
    }

    @Test func passwordLengthIsCountedInBytes() {
        #expect(PasswordPolicy.check("1234567") != nil)
        #expect(PasswordPolicy.check("12345678") == nil)
        #expect(PasswordPolicy.check(String(repeating: "a", count: 72)) == nil)
        #expect(PasswordPolicy.check(String(repeating: "a", count: 73)) != nil)
        #expect(PasswordPolicy.check(String(repeating: "€", count: 25)) != nil)  // 75 bytes
        #expect(PasswordPolicy.check(String(repeating: "€", count: 3)) != nil)  // 9 bytes, 3 characters
    }

    @Test func refreshTokensAreRandomAndStoredHashed() {
        let a = Sessions.randomToken()
        let b = Sessions.randomToken()
        #expect(a != b && a.count == 43)
        #expect(Sessions.hash(a).count == 64)
        #expect(Sessions.hash(a) == Sessions.hash(a))
    }
}
