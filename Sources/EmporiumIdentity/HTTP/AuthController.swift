import EmporiumCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `/api/v1/auth/*`, `/api/v1/users/me` and `/.well-known/jwks.json`.
struct AuthController: Sendable {
    let sessions: Sessions
    let keys: KeyRing
    let verifier: any TokenVerifier
    /// `identity_logins_total{outcome}`, shared with the gRPC edge.
    let logins: LoginCounter

    struct RegisterRequest: Decodable { var email: String; var password: String; var name: String }
    struct LoginRequest: Decodable { var email: String; var password: String }
    struct TokenRequest: Decodable { var refreshToken: String }
    struct RotatedKey: ResponseEncodable { var kid: String }

    /// The client behind the request, for the per-address limits.
    private func clientAddress(_ request: Request, _ context: EmporiumRequestContext) -> String? {
        ClientAddress.resolve(
            peer: context.clientAddress,
            forwardedFor: request.headers[values: .xForwardedFor],
            trustedProxies: self.sessions.settings.trustedProxies
        )
    }

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.post("/api/v1/auth/register") { request, context in
            let input = try await request.decodeJSON(RegisterRequest.self, context: context)
            let session = try await self.sessions.register(
                email: input.email, password: input.password, name: input.name, clientAddress: self.clientAddress(request, context)
            )
            return EditedResponse(status: .created, response: session)
        }
        router.post("/api/v1/auth/login") { request, context in
            let input = try await request.decodeJSON(LoginRequest.self, context: context)
            let clientAddress = self.clientAddress(request, context)
            return try await self.logins.counting {
                try await self.sessions.login(email: input.email, password: input.password, clientAddress: clientAddress)
            }
        }
        router.post("/api/v1/auth/refresh") { request, context in
            let input = try await request.decodeJSON(TokenRequest.self, context: context)
            return try await self.sessions.refresh(token: input.refreshToken)
        }
        router.post("/api/v1/auth/logout") { request, context in
            let input = try await request.decodeJSON(TokenRequest.self, context: context)
            try await self.sessions.logout(token: input.refreshToken)
            return HTTPResponse.Status.noContent
        }
        router.get("/.well-known/jwks.json") { _, _ in
            try await self.keys.jwks()
        }
        router.group("/api/v1/users/me").add(middleware: RequireRole(nil, verifier: self.verifier))
            .get { _, context in
                guard let principal = context.principal, let user = try await self.sessions.store.user(id: principal.userId) else {
                    throw Problem.unauthorized("The account behind this token no longer exists.")
                }
                return user
            }
        router.group("/api/v1/auth/keys/rotate").add(middleware: RequireRole(.admin, verifier: self.verifier))
            .post { _, context in
                let kid = try await self.keys.rotate()
                context.logger.notice("Signing key rotated", metadata: ["key.id": "\(kid)"])
                return EditedResponse(status: .created, response: RotatedKey(kid: kid))
            }
    }
}
