import EmporiumClients
import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import GRPCCore
import Testing

/// The storefront's sign-up and sign-in over identity's gRPC API: the public auth API's
/// rules, its refusals as `IdentityRefusal`s, and the shopper's address in the limits.
@Suite struct IdentityRPCTests {
    /// Cheap bcrypt (test mode is on in `TestPlatform`).
    static let environment = ["EMPORIUM_BCRYPT_COST": "4"]

    /// What a call was refused with (nil when it succeeded).
    static func refusal(_ body: () async throws -> Void) async -> IdentityRefusal? {
        do {
            try await body()
            return nil
        } catch let refusal as IdentityRefusal {
            return refusal
        } catch {
            Issue.record("not a refusal: \(error)")
            return nil
        }
    }

    static func logins(_ platform: Platform, _ outcome: String) -> String {
        let text = String(decoding: platform.metrics.exposition(), as: UTF8.self)
        let prefix = #"identity_logins_total{outcome="\#(outcome)"} "#
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) } ?? "absent"
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func registerLoginRefreshAndLogout(_ kind: TestDatabaseKind) async throws {
        _ = try await TestPlatform.with(kind, services: [IdentityService.self], environment: Self.environment, verifier: nil) { platform in
            let identity = try #require(platform.rpc).client(IdentityClient.self)
            let verifier = try #require(platform.units.first?.verifier)

            let registered = try await identity.register(email: " Ada@Example.com ", password: "correct horse", name: "Ada", clientAddress: "203.0.113.9")
            #expect(registered.email == "Ada@Example.com" && registered.name == "Ada" && registered.roles == ["customer"])
            #expect(registered.expiresIn == 900 && !registered.refreshToken.isEmpty)
            // The access token is one every other service accepts.
            let principal = try await verifier.verify(bearerToken: registered.accessToken)
            #expect(principal.userId == registered.userId && principal.roles == [.customer])

            #expect(await Self.refusal { _ = try await identity.register(email: "ada@example.com", password: "another one", name: "Ada", clientAddress: nil) } == .emailTaken)
            let badEmail = await Self.refusal { _ = try await identity.register(email: "not-an-email", password: "correct horse", name: "B", clientAddress: nil) }
            guard case .invalid(let emailMessage) = badEmail else { Issue.record("\(String(describing: badEmail))"); return }
            #expect(emailMessage.hasPrefix("email "))
            let shortPassword = await Self.refusal { _ = try await identity.register(email: "bob@example.com", password: "short", name: "Bob", clientAddress: nil) }
            guard case .invalid(let passwordMessage) = shortPassword else { Issue.record("\(String(describing: shortPassword))"); return }
            #expect(passwordMessage.hasPrefix("password ") && !passwordMessage.contains("email"))
            let longName = await Self.refusal { _ = try await identity.register(email: "bob@example.com", password: "correct horse", name: String(repeating: "n", count: 101), clientAddress: nil) }
            #expect(longName == .invalid("name must be 1 to 100 characters"))
            let badAddress = await Self.refusal { _ = try await identity.register(email: "bob@example.com", password: "correct horse", name: "Bob", clientAddress: "proxy-1") }
            guard case .invalid(let addressMessage) = badAddress else { Issue.record("\(String(describing: badAddress))"); return }
            #expect(addressMessage.contains("client_address"))

            let session = try await identity.login(email: "ADA@example.com", password: "correct horse", clientAddress: "2001:db8::1")
            #expect(session.userId == registered.userId)
            #expect(await Self.refusal { _ = try await identity.login(email: "ada@example.com", password: "wrong horse", clientAddress: nil) } == .wrongCredentials)
            #expect(await Self.refusal { _ = try await identity.login(email: "nobody@example.com", password: "correct horse", clientAddress: nil) } == .wrongCredentials)

            // Rotation: the new token works once, the spent one is refused (and revokes its family).
            let rotated = try await identity.refresh(refreshToken: session.refreshToken)
            #expect(rotated.userId == registered.userId && rotated.refreshToken != session.refreshToken)
            #expect(try await verifier.verify(bearerToken: rotated.accessToken).userId == registered.userId)
            #expect(await Self.refusal { _ = try await identity.refresh(refreshToken: session.refreshToken) } == .refreshRejected)
            #expect(await Self.refusal { _ = try await identity.refresh(refreshToken: rotated.refreshToken) } == .refreshRejected)
            #expect(await Self.refusal { _ = try await identity.refresh(refreshToken: String(repeating: "t", count: 10_000)) } == .refreshRejected)

            // Logout ends the session's family; an unknown token is no error.
            try await identity.logout(refreshToken: registered.refreshToken)
            #expect(await Self.refusal { _ = try await identity.refresh(refreshToken: registered.refreshToken) } == .refreshRejected)
            try await identity.logout(refreshToken: "never-issued")
            try await identity.logout(refreshToken: String(repeating: "t", count: 10_000))

            #expect(Self.logins(platform, "success") == "1")
            #expect(Self.logins(platform, "wrong_credentials") == "2")
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func lockoutsCountTheEmailAndTheShoppersAddress(_ kind: TestDatabaseKind) async throws {
        let environment = Self.environment.merging(["EMPORIUM_LOGIN_ADDRESS_LIMIT": "3"]) { $1 }
        _ = try await TestPlatform.with(kind, services: [IdentityService.self], environment: environment, verifier: nil) { platform in
            let identity = try #require(platform.rpc).client(IdentityClient.self)
            _ = try await identity.register(email: "ada@example.com", password: "correct horse", name: "Ada", clientAddress: nil)
            _ = try await identity.register(email: "bob@example.com", password: "battery staple", name: "Bob", clientAddress: nil)

            // Three failures from one shopper's address (different emails): that address is
            // locked out, however it is spelled; another shopper is not.
            for guess in 1...3 {
                let refusal = await Self.refusal { _ = try await identity.login(email: "guess\(guess)@example.com", password: "wrong horse", clientAddress: "203.0.113.7") }
                #expect(refusal == .wrongCredentials)
            }
            for spelling in ["203.0.113.7", "::ffff:203.0.113.7"] {
                let refusal = await Self.refusal { _ = try await identity.login(email: "ada@example.com", password: "correct horse", clientAddress: spelling) }
                guard case .lockedOut(let retryAfter) = refusal else { Issue.record("\(spelling): \(String(describing: refusal))"); continue }
                #expect(retryAfter > 0 && retryAfter <= 900)
            }
            _ = try await identity.login(email: "ada@example.com", password: "correct horse", clientAddress: "198.51.100.20")

            // The email's own limit (10 failures), whatever the address.
            for guess in 1...10 {
                let refusal = await Self.refusal { _ = try await identity.login(email: "bob@example.com", password: "wrong guess \(guess)", clientAddress: nil) }
                #expect(refusal == .wrongCredentials)
            }
            let locked = await Self.refusal { _ = try await identity.login(email: "bob@example.com", password: "battery staple", clientAddress: "198.51.100.21") }
            guard case .lockedOut(let retryAfter) = locked else { Issue.record("\(String(describing: locked))"); return }
            #expect(retryAfter > 0)

            #expect(Self.logins(platform, "success") == "1")
            #expect(Self.logins(platform, "wrong_credentials") == "13")
            #expect(Self.logins(platform, "locked_out") == "3")
        }
    }

    /// No bcrypt slot free: `busy` (RESOURCE_EXHAUSTED, which the storefront's breaker may
    /// count), never a lockout or wrong credentials, and it is no failed attempt.
    @Test(arguments: TestDatabaseKind.allCases)
    func noPasswordCheckCapacityIsBusy(_ kind: TestDatabaseKind) async throws {
        let settings = {
            var settings = IdentityAPI.settings()
            settings.bcryptConcurrency = 1
            settings.bcryptQueue = 0
            return settings
        }()
        let hasher = CountingHasher()
        _ = try await TestPlatform.with(kind, units: { database, _ in
            let store = SQLIdentityStore(database: database)
            let sessions = Sessions(store: store, keys: KeyRing(store: store, accessTokenTTL: .seconds(900)), hasher: hasher, settings: settings)
            return [
                ServiceUnit(
                    name: IdentityService.name, database: database, migrations: IdentityMigrations.all, addRoutes: { _ in },
                    rpcServices: [IdentityRPCService(sessions: sessions, logins: LoginCounter(factory: MetricsRegistry().factory))],
                    prepare: { logger in try await sessions.prepare(logger: logger) }
                )
            ]
        }) { platform in
            let identity = try #require(platform.rpc).client(IdentityClient.self)
            hasher.holdCalls()
            // The one slot is taken by a login held inside bcrypt.
            let running = Task { try await identity.login(email: "admin@example.com", password: "admin-password", clientAddress: "203.0.113.5") }
            try await BcryptLimitTests.eventually { hasher.heldCount == 1 }
            #expect(await Self.refusal { _ = try await identity.login(email: "admin@example.com", password: "admin-password", clientAddress: "203.0.113.5") } == .busy)
            #expect(await Self.refusal { _ = try await identity.register(email: "new@example.com", password: "new-password", name: "New", clientAddress: nil) } == .busy)
            hasher.releaseAll()
            #expect(try await running.value.email == "admin@example.com")
        }
    }

    /// The gRPC table: a lockout is FAILED_PRECONDITION with `retry-after`, never the
    /// RESOURCE_EXHAUSTED the caller's circuit breaker counts as the peer failing.
    @Test func theStatusTable() {
        let lockout = RPCError(IdentityError.tooManyAttempts(reason: "Too many failed logins", retryAfterSeconds: 42))
        #expect(lockout.code == .failedPrecondition)
        #expect(Array(lockout.metadata[stringValues: "retry-after"]) == ["42"])
        #expect(RPCError(IdentityError.passwordChecksBusy(retryAfterSeconds: 2)).code == .resourceExhausted)
        #expect(RPCError(IdentityError.passwordChecksBusy(retryAfterSeconds: 2)).metadata.isEmpty)
        #expect(RPCError(IdentityError.emailTaken).code == .alreadyExists)
        #expect(RPCError(IdentityError.wrongCredentials).code == .unauthenticated)
        #expect(RPCError(IdentityError.refreshTokenReused).code == .unauthenticated)
        #expect(RPCError(IdentityError.keysNotLoaded).code == .unavailable)
        let invalid = RPCError(IdentityError.invalid([FieldError(field: "email", message: "is bad"), FieldError(field: "password", message: "is short")]))
        #expect(invalid.code == .invalidArgument && invalid.message == "email is bad; password is short")
    }
}
