import EmporiumCore
import Metrics

/// `identity_logins_total{outcome}`: success, wrong_credentials, locked_out (too many
/// failures for the email or address), busy (no bcrypt capacity). A surge of lockouts is a
/// credential-stuffing attack. One counter for both edges (the public HTTP route and the
/// storefront's gRPC call), so a login counts the same whichever way it came.
struct LoginCounter: Sendable {
    let outcomes: CounterFamily

    init(factory: any MetricsFactory) {
        self.outcomes = CounterFamily(
            label: "identity_logins_total", dimension: "outcome",
            knownValues: ["success", "wrong_credentials", "locked_out", "busy"], factory: factory
        )
    }

    /// Runs one login and counts how it ended; other failures (store down) are not an outcome.
    func counting<T>(_ login: () async throws -> T) async throws -> T {
        do {
            let session = try await login()
            self.outcomes.increment("success")
            return session
        } catch let error as IdentityError {
            switch error {
            case .wrongCredentials: self.outcomes.increment("wrong_credentials")
            case .tooManyAttempts: self.outcomes.increment("locked_out")
            case .passwordChecksBusy: self.outcomes.increment("busy")
            default: break
            }
            throw error
        }
    }
}
