public import Foundation
public import Hummingbird
import NIOCore

extension Request {
    /// Decodes a JSON body, turning every way it can be wrong into a 400 problem that says
    /// where (`variants[0].price.amount`), and an oversized body into 413.
    public func decodeJSON<T: Decodable>(_ type: T.Type, context: EmporiumRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await self.body.collect(upTo: context.bodyLimit)
        } catch is NIOTooManyBytesError {
            throw Problem.contentTooLarge(limit: context.bodyLimit)
        }
        if let contentType = self.headers[.contentType], !Self.isJSON(contentType) {
            throw Problem(
                status: .unsupportedMediaType,
                slug: "unsupported-media-type",
                title: "Unsupported Media Type",
                detail: "Send the body as application/json."
            )
        }
        guard buffer.readableBytes > 0 else {
            throw Problem.badRequest("The request needs a JSON body.")
        }
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Problem.badRequest(JSONCoding.describe(error))
        } catch {
            throw Problem.badRequest("The body is not valid JSON.")
        }
    }

    private static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces).lowercased()
        return mediaType == "application/json" || mediaType.hasSuffix("+json")
    }
}
