import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports for servers that tests start.
public enum FreePort {
    /// A free port for a server a test starts: random, below the kernel's ephemeral range
    /// (32768+), and never handed out twice by this process. Ports from an ephemeral bind
    /// were taken back by the suite's own outgoing connections (HTTP clients, PostgreSQL
    /// pools) before the server bound them, often enough to fail runs on a busy machine.
    public static func find() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_768)
            let fresh = self.handedOut.withLock { $0.insert(port).inserted }
            guard fresh, let fd = try? self.bindSocket(port: port) else { continue }
            close(fd)
            return port
        }
        throw POSIXError(.EADDRINUSE)
    }

    private static let handedOut = Mutex<Set<Int>>([])

    /// A port that stays bound but never listens, until `release()`: connecting to it is
    /// refused, and no other test can take it meanwhile. A peer that is down.
    public final class DeadPort: Sendable {
        public let port: Int
        private let fd: Int32

        init() throws {
            (self.fd, self.port) = try FreePort.bindEphemeral()
        }

        public func release() {
            close(self.fd)
        }
    }

    public static func dead() throws -> DeadPort {
        try DeadPort()
    }

    static func bindEphemeral() throws -> (Int32, Int) {
        let fd = try self.bindSocket(port: 0)
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard named else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A socket bound to 127.0.0.1:`port` (0: any), not listening.
    static func bindSocket(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return fd
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
