public import Foundation
public import Hummingbird
public import Logging
import NIOCore

/// The one request context every service's routes share, so embedded mode can mount
/// them all on one router.
public struct EmporiumRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RequestIDMiddleware`: the client's `X-Request-Id` if well-formed, else a new one.
    public var requestId: String = ""
    /// Set by `RequireRole` once a bearer token has been verified.
    public var principal: Principal?
    /// Set by `BodyLimitMiddleware` from configuration; Hummingbird's body collection and
    /// our JSON decoding both stop at this many bytes with a 413.
    public var bodyLimit: Int = ServerSettings.defaultBodyLimit

    /// The connection, kept so `clientAddress` is only worked out when a handler asks.
    private let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The peer's IP address (behind NGINX, the proxy's): per-address login limits use it.
    public var clientAddress: String? {
        self.channel.remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { self.bodyLimit }

    /// Handlers return typed bodies (`ResponseEncodable`); the router encodes them with the
    /// API's JSON conventions (RFC 3339 timestamps, sorted keys).
    public var responseEncoder: JSONEncoder { JSONCoding.encoder }
}
