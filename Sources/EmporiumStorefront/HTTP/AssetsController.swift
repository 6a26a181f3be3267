import Foundation
import Hummingbird
import EmporiumCore

/// `/assets/{name}` (fingerprinted, cached for a year) and `/images/products/{slug}.svg`
/// (drawn from the slug, cached for a day).
struct AssetsController: Sendable {
    let assets: AssetCatalog

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.get("/assets/{name}") { _, context in
            let name = try context.parameters.require("name")
            guard let asset = self.assets.assets[name] else { return Self.notFound() }
            return Response(
                status: .ok,
                headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable"],
                body: .init(byteBuffer: asset.body)
            )
        }
        router.get("/images/products/{file}") { _, context in
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".svg") else { return Self.notFound() }
            let slug = String(file.dropLast(4))
            guard (1...120).contains(slug.count), slug.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                return Self.notFound()
            }
            let name = slug.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
            return Response(
                status: .ok,
                headers: [.contentType: "image/svg+xml", .cacheControl: "public, max-age=86400"],
                body: .init(byteBuffer: ByteBuffer(string: ProductImage.svg(name: name)))
            )
        }
    }

    static func notFound() -> Response {
        Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "Not found.\n")))
    }
}
