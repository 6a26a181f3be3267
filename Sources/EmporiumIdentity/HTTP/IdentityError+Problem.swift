public import EmporiumCore
import HTTPTypes

/// Identity's errors as HTTP answers them: the one table.
extension IdentityError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .invalid(let errors):
            return .validation(errors)
        case .wrongCredentials:
            return .unauthorized("The email or password is wrong.")
        case .emailTaken:
            return .conflict("An account with this email exists.", errors: [FieldError(field: "email", message: "is taken")])
        case .refreshTokenInvalid:
            return .unauthorized("The refresh token is not valid.")
        case .refreshTokenReused:
            return .unauthorized("The refresh token was already used; every session from that login has been signed out.")
        case .tooManyAttempts(let reason, let retryAfter):
            return Problem(
                status: .tooManyRequests,
                slug: "too-many-attempts",
                title: "Too Many Requests",
                detail: "\(reason); try again in \(retryAfter) seconds.",
                headers: [.retryAfter: String(retryAfter)]
            )
        case .passwordChecksBusy(let retryAfter):
            return .serviceUnavailable("Too many password checks are in progress; try again shortly.", retryAfterSeconds: retryAfter)
        case .keysNotLoaded:
            return .serviceUnavailable("Signing keys are not loaded yet.")
        }
    }
}
