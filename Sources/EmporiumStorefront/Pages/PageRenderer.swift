import Foundation
import Mustache

/// The storefront's templates (`Templates/*.mustache`: one layout, partials, a page each),
/// read once at start. Mustache escapes every `{{value}}` for HTML, so text from the
/// catalog can never become markup.
struct PageRenderer: Sendable {
    struct Missing: Error, CustomStringConvertible {
        let what: String
        var description: String { "storefront: \(self.what) missing from the bundle" }
    }

    let library: MustacheLibrary

    static func load() throws -> PageRenderer {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else { throw Missing(what: "Templates") }
        var templates: [String: MustacheTemplate] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
        }
        return PageRenderer(library: MustacheLibrary(templates: templates))
    }

    /// The page `template` with `view`; nil only if the template is missing (a build error).
    func render(_ template: String, _ view: Any) -> String? {
        self.library.render(view, withTemplate: template)
    }
}
