import Crypto
import Foundation
import Hummingbird

/// The storefront's static files (`Assets/`), each served under a fingerprinted name
/// (`storefront.3f9a0c1b2d.css`) that changes with its content, so browsers may keep it
/// for a year: a new release is a new name.
struct AssetCatalog: Sendable {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: String
    }

    /// Fingerprinted name → asset.
    let assets: [String: Asset]
    /// Plain name (`storefront.css`) → the path pages link to (`/assets/storefront.<hash>.css`).
    let paths: [String: String]

    static let contentTypes = ["css": "text/css; charset=utf-8", "svg": "image/svg+xml", "js": "text/javascript; charset=utf-8"]

    static func load() throws -> AssetCatalog {
        guard let folder = Bundle.module.url(forResource: "Assets", withExtension: nil) else { throw PageRenderer.Missing(what: "Assets") }
        var assets: [String: Asset] = [:]
        var paths: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let url = folder.appendingPathComponent(file)
            guard let type = Self.contentTypes[url.pathExtension] else { continue }
            let data = try Data(contentsOf: url)
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined().prefix(10)
            let fingerprinted = url.deletingPathExtension().lastPathComponent + "." + digest + "." + url.pathExtension
            assets[fingerprinted] = Asset(body: ByteBuffer(bytes: data), contentType: type)
            paths[file] = "/assets/" + fingerprinted
        }
        return AssetCatalog(assets: assets, paths: paths)
    }

    func path(_ name: String) -> String {
        self.paths[name] ?? "/assets/" + name
    }
}
