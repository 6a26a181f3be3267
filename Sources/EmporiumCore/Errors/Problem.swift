public import Foundation
public import HTTPTypes
public import Hummingbird

/// One field-level validation failure, rendered in a problem's `errors[]`.
public struct FieldError: Codable, Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// The single error type every service throws towards HTTP clients, rendered as
/// RFC 9457 `application/problem+json`.
///
/// `type` is a URI ending in a short slug (`…/validation`, `…/not-found`) so clients can
/// branch on it; `extensions` carries problem-specific members (`skus`, `orderId`, …).
public struct Problem: Error, Sendable {
    public static let typeBase = "https://emporium.dev/problems/"

    public var status: HTTPResponse.Status
    public var slug: String
    public var title: String
    public var detail: String
    public var errors: [FieldError]
    public var headers: HTTPFields
    public var extensions: [String: ProblemValue]

    public init(
        status: HTTPResponse.Status,
        slug: String,
        title: String,
        detail: String,
        errors: [FieldError] = [],
        headers: HTTPFields = [:],
        extensions: [String: ProblemValue] = [:]
    ) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extensions = extensions
    }

    public var type: String { Self.typeBase + self.slug }
}

/// Extra members a problem may carry: strings, integers or lists of strings.
public enum ProblemValue: Sendable, Equatable, Encodable {
    case string(String)
    case int(Int)
    case strings([String])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        }
    }
}

extension Problem {
    public static func badRequest(_ detail: String, errors: [FieldError] = []) -> Problem {
        Problem(status: .badRequest, slug: "bad-request", title: "Bad Request", detail: detail, errors: errors)
    }

    public static func validation(_ errors: [FieldError]) -> Problem {
        Problem(
            status: .unprocessableContent,
            slug: "validation",
            title: "Validation failed",
            detail: errors.count == 1 ? errors[0].message : "\(errors.count) fields are invalid.",
            errors: errors
        )
    }

    public static func validation(field: String, _ message: String) -> Problem {
        .validation([FieldError(field: field, message: message)])
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, slug: "not-found", title: "Not Found", detail: detail)
    }

    public static func conflict(_ detail: String, errors: [FieldError] = []) -> Problem {
        Problem(status: .conflict, slug: "conflict", title: "Conflict", detail: detail, errors: errors)
    }

    public static func unauthorized(_ detail: String = "A valid bearer token is required.") -> Problem {
        Problem(
            status: .unauthorized,
            slug: "unauthorized",
            title: "Unauthorized",
            detail: detail,
            headers: [.wwwAuthenticate: "Bearer"]
        )
    }

    public static func forbidden(_ detail: String = "You do not have the role this action needs.") -> Problem {
        Problem(status: .forbidden, slug: "forbidden", title: "Forbidden", detail: detail)
    }

    public static func contentTooLarge(limit: Int) -> Problem {
        Problem(
            status: .contentTooLarge,
            slug: "content-too-large",
            title: "Content Too Large",
            detail: "The request body is larger than \(limit) bytes."
        )
    }

    public static func serviceUnavailable(_ detail: String, retryAfterSeconds: Int = 1) -> Problem {
        Problem(
            status: .serviceUnavailable,
            slug: "service-unavailable",
            title: "Service Unavailable",
            detail: detail,
            headers: [.retryAfter: String(retryAfterSeconds)]
        )
    }

    public static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> Problem {
        let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        return Problem(
            status: .methodNotAllowed,
            slug: "method-not-allowed",
            title: "Method Not Allowed",
            detail: "This resource supports: \(allow).",
            headers: [.allow: allow]
        )
    }

    public static let internalError = Problem(
        status: .internalServerError,
        slug: "internal",
        title: "Internal Server Error",
        detail: "The server failed to handle this request; it has been logged."
    )
}
