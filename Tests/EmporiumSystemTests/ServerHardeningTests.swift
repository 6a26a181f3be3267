import EmporiumTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The binary as an operator starts it: secrets on disk readable by its user only, idle
/// connections closed, and a gRPC port beyond loopback refused without a service secret.
@Suite(.serialized) struct ServerHardeningTests {
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
    }

    @Test func embeddedDataIsPrivateAndIdleConnectionsAreClosed() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-sys-\(UUID().uuidString)").path + "/data"
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try ServerProcess(
            arguments: ["--data-dir", dataDir, "--seed-demo", "false"],
            environment: ["EMPORIUM_HTTP_IDLE_TIMEOUT": "1"]
        )
        try await server.waitUntilReady()
        #expect(try Self.mode(dataDir) == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: dataDir)
        #expect(files.contains("identity.sqlite"))
        for file in files {
            #expect(try Self.mode(dataDir + "/" + file) == 0o600, "\(file)")
        }
        // A connection that never sends a request is closed by the server within a few
        // seconds of the 1 s idle timeout (a read returns end-of-stream, not a timeout).
        let started = ContinuousClock.now
        let closedByServer = try await Self.onOwnThread { try Self.waitForServerClose(port: server.port, giveUpAfterSeconds: 10) }
        #expect(closedByServer)
        #expect(ContinuousClock.now - started < .seconds(8))
        #expect(await server.stop() == 0, "log:\n\(server.log)")
    }

    @Test func serveRefusesAGrpcPortBeyondLoopbackWithoutAServiceSecret() async throws {
        let server = try ServerProcess(
            arguments: ["serve", "payments", "--database-url", "postgres://postgres@127.0.0.1:1/none", "--grpc-host", "0.0.0.0"]
        )
        while server.process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.process.terminationStatus != 0)
        #expect(server.log.contains("EMPORIUM_SERVICE_SECRET"), "\(server.log)")
    }

    /// At debug level swift-service-lifecycle logs each service it runs, settings and all:
    /// the database password, the service secret and the admin password never show.
    @Test func debugLogsNeverCarrySecrets() async throws {
        try PostgresHarness.skipUnlessAvailable()
        let url = try await PostgresHarness.makeDatabaseURL().replacingOccurrences(of: "postgres@", with: "postgres:db-pass-4a9f7@")
        let secrets = ["db-pass-4a9f7", "service-secret-7c1e-of-at-least-32-bytes!", "admin-pass-58d2"]
        let server = try ServerProcess(
            arguments: ["serve", "identity", "--database-url", url, "--log-level", "debug", "--grpc-port", String(try FreePort.find())],
            environment: ["EMPORIUM_SERVICE_SECRET": secrets[1], "EMPORIUM_ADMIN_EMAIL": "root@example.com", "EMPORIUM_ADMIN_PASSWORD": secrets[2]]
        )
        try await server.waitUntilReady()
        #expect(await server.stop() == 0, "log:\n\(server.log)")
        let log = server.log
        #expect(log.contains("ServerSettings("), "the settings are logged at debug (redacted); nothing checked otherwise")
        for secret in secrets {
            #expect(!log.contains(secret), "\(secret) in the log")
        }
    }

    /// Runs a blocking call on a thread of its own, so it never holds one of the few
    /// threads every concurrently running test's async work shares.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Connects, sends nothing, and reads: true when the server closed the connection.
    static func waitForServerClose(port: Int, giveUpAfterSeconds: Int) throws -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError.failed("socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: giveUpAfterSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SocketError.failed("connect") }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
        #else
        return true
        #endif
    }
}

enum SocketError: Error {
    case failed(String)
}
