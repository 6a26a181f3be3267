import ArgumentParser
import Foundation
import Hummingbird
import Logging

/// A bare Hummingbird server answering one route with a file's bytes (benchmarks/catalog's
/// "what the framework allows" row): the same HTTP/1 server Emporium runs, with no
/// middleware, no context work and no database, beside NGINX serving the same file.
struct HelloServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hello")

    @Option(help: "The loopback port to listen on.") var port: Int
    @Option(help: "The file served at /static.json.") var file: String

    func run() async throws {
        let body = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: self.file)))
        let router = Router()
        router.get("/static.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        var logger = Logger(label: "hello")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: self.port)), logger: logger)
        try await app.runService()
    }
}
