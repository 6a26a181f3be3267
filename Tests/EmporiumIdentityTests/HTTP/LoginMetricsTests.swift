import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `identity_logins_total{outcome}` tells a lockout surge (credential stuffing) apart from
/// ordinary wrong passwords.
@Suite struct LoginMetricsTests {
    @Test func loginOutcomesAreCounted() async throws {
        let metrics = MetricsRegistry()
        let settings = {
            var settings = IdentityAPI.settings()
            settings.emailFailureLimit = 2
            return settings
        }()
        _ = try await TestPlatform.with(.sqlite, units: { database, _ in
            [IdentityService.unit(database: database, settings: settings, metrics: metrics.factory)]
        }) { platform in
            try await platform.buildApplication().test(.router) { client throws in
                func login(_ password: String) async throws -> HTTPResponse.Status {
                    let body = #"{"email":"admin@example.com","password":"\#(password)"}"#
                    return try await client.execute(
                        uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
                    ) { $0.status }
                }
                #expect(try await login("admin-password") == .ok)
                #expect(try await login("wrong-1") == .unauthorized)
                #expect(try await login("wrong-2") == .unauthorized)
                #expect(try await login("admin-password") == .tooManyRequests)
            }
        }
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"identity_logins_total{outcome="success"} 1"#))
        #expect(text.contains(#"identity_logins_total{outcome="wrong_credentials"} 2"#))
        #expect(text.contains(#"identity_logins_total{outcome="locked_out"} 1"#))
    }
}
