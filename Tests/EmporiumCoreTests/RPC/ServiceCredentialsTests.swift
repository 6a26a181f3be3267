import EmporiumClients
@testable import EmporiumCore
import EmporiumPayments
import EmporiumTesting
import Foundation
import GRPCCore
import Logging
import Testing

/// Internal gRPC off loopback: refused at start without a service secret; with one, every
/// call must carry a service token, and a caller without it (or with another secret) gets
/// UNAUTHENTICATED — payments' capture among the calls.
@Suite struct ServiceCredentialsTests {
    static let secret = String(repeating: "s3cret-", count: 6)

    @Test(arguments: ["0.0.0.0", "10.1.2.3", "::"])
    func aGrpcPortBeyondLoopbackNeedsASecret(_ host: String) throws {
        #expect(throws: ConfigurationError.self) {
            try ServerSettings(reader: ServerSettings.reader(flags: ["grpcHost": host], environment: [:]))
        }
        let settings = try ServerSettings(reader: ServerSettings.reader(flags: ["grpcHost": host], environment: ["EMPORIUM_SERVICE_SECRET": Self.secret]))
        #expect(settings.serviceCredentials != nil)
    }

    @Test func loopbackNeedsNoSecretAndAShortSecretIsRefused() throws {
        for host in ["127.0.0.1", "::1"] {
            let settings = try ServerSettings(reader: ServerSettings.reader(flags: ["grpcHost": host], environment: [:]))
            #expect(settings.serviceCredentials == nil)
        }
        #expect(throws: ConfigurationError.self) {
            try ServerSettings(reader: ServerSettings.reader(flags: [:], environment: ["EMPORIUM_SERVICE_SECRET": "short"]))
        }
    }

    @Test func tokensAreShortLivedAndBoundToTheSecret() throws {
        let credentials = try ServiceCredentials(secret: Self.secret)
        let now = Date()
        let token = credentials.token(now: now)
        #expect(credentials.accepts(token, now: now))
        #expect(credentials.accepts(token, now: now.addingTimeInterval(59)))
        #expect(!credentials.accepts(token, now: now.addingTimeInterval(61)))
        #expect(!credentials.accepts(token, now: now.addingTimeInterval(-61)))
        #expect(!(try ServiceCredentials(secret: Self.secret + "x")).accepts(token, now: now))
        // A later issue time with the old MAC is not a token.
        let parts = token.split(separator: ".")
        let issuedAt = try #require(Int(parts[1]))
        #expect(!credentials.accepts("v1.\(issuedAt + 30).\(parts[2])", now: now))
        for garbage in ["", "v1", "v1..", "v2.\(parts[1]).\(parts[2])", "v1.\(parts[1]).zz"] {
            #expect(!credentials.accepts(garbage, now: now))
        }
    }

    enum Caller: String, CaseIterable, CustomStringConvertible {
        case noCredentials, otherSecret, sameSecret
        var description: String { self.rawValue }
    }

    /// Payments served over a real loopback HTTP/2 port that requires service tokens.
    @Test(arguments: Caller.allCases)
    func paymentsRefusesCallersWithoutAValidServiceToken(_ caller: Caller) async throws {
        _ = try await TestDatabase.with(.sqlite) { database in
            let logger = Logger(label: "test")
            let metrics = MetricsRegistry()
            let payments = try PaymentsService.build(
                ServiceContext(database: database, verifier: RejectAllTokens(), network: .inProcess(metrics: metrics.factory, logger: logger)), settings: NoSettings()
            )
            try await Migrator.migrate(database, service: payments.name, migrations: payments.migrations, logger: logger)
            let port = try FreePort.find()
            let server = try RPCNetwork.http2(
                listen: .init(host: "127.0.0.1", port: port), peers: [:], metrics: metrics.factory, logger: logger,
                credentials: try ServiceCredentials(secret: Self.secret)
            )
            let callerCredentials: ServiceCredentials? =
                switch caller {
                case .noCredentials: nil
                case .otherSecret: try ServiceCredentials(secret: String(repeating: "other-", count: 8))
                case .sameSecret: try ServiceCredentials(secret: Self.secret)
                }
            let client = try RPCNetwork.http2(
                listen: nil,
                peers: ["payments": try RPCEndpoints(parsing: "127.0.0.1:\(port)", key: "paymentsGrpc")],
                policy: RPCPolicy(timeout: .seconds(15)),
                metrics: metrics.factory,
                logger: logger,
                credentials: callerCredentials
            )
            let ready = Readiness()
            ready.set(.ready)
            try await withRunning(server.lifecycleServices(serving: payments.rpcServices, readiness: ready)) {
                let deadline = ContinuousClock.now + .seconds(30)
                while !FreePort.isListening(port) && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await withRunning(client.lifecycleServices(serving: [], readiness: ready)) {
                    let paymentsClient = try client.client(PaymentsClient.self)
                    let card = CardDetails(number: "4242424242424242", expMonth: 12, expYear: Calendar.current.component(.year, from: Date()) + 3, cvc: "123")
                    switch caller {
                    case .sameSecret:
                        let payment = try await paymentsClient.authorize(orderId: "ord_1", amount: Money(amount: 500, currency: "USD"), card: card)
                        let captured = try await paymentsClient.capture(paymentId: payment.id)
                        #expect(captured.status == .captured)
                    case .noCredentials, .otherSecret:
                        for call in [
                            { _ = try await paymentsClient.capture(paymentId: "pay_1") },
                            { _ = try await paymentsClient.refund(paymentId: "pay_1") },
                            { _ = try await paymentsClient.void(orderId: "ord_1") },
                        ] as [@Sendable () async throws -> Void] {
                            let error = await #expect(throws: RPCError.self) { try await call() }
                            #expect(error?.code == .unauthenticated)
                        }
                    }
                }
            }
        }
    }
}
