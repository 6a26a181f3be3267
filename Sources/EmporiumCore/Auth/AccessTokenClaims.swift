public import Foundation
public import JWTKit

/// The claims of an Emporium access token (API.md "Identity"): issued by identity, for
/// audience `emporium`, about user `sub` with `roles`.
public struct AccessTokenClaims: JWTPayload, Equatable {
    public static let issuer = "emporium"
    public static let audience = "emporium"

    public var iss: IssuerClaim
    public var aud: AudienceClaim
    public var sub: SubjectClaim
    public var roles: [String]
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    public var nbf: NotBeforeClaim?
    public var jti: IDClaim

    public init(userId: String, roles: [String], issuedAt: Date, lifetime: Duration, id: String) {
        self.iss = IssuerClaim(value: Self.issuer)
        self.aud = AudienceClaim(value: [Self.audience])
        self.sub = SubjectClaim(value: userId)
        self.roles = roles
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: issuedAt.addingTimeInterval(Double(lifetime.components.seconds)))
        self.nbf = nil
        self.jti = IDClaim(value: id)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        let now = Date()
        try self.exp.verifyNotExpired(currentDate: now)
        try self.nbf?.verifyNotBefore(currentDate: now)
        // A token issued in the future (beyond a minute of clock skew) is not yet valid.
        guard self.iat.value <= now.addingTimeInterval(60) else {
            throw JWTError.claimVerificationFailure(failedClaim: self.iat, reason: "issued in the future")
        }
        try self.aud.verifyIntendedAudience(includes: Self.audience)
        guard self.iss.value == Self.issuer else {
            throw JWTError.claimVerificationFailure(failedClaim: self.iss, reason: "unknown issuer")
        }
    }
}
