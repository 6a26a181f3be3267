import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports for servers that tests start.
public enum FreePort {
    /// A port the kernel just handed out for an ephemeral bind, so free at this moment.
    public static func find() throws -> Int {
        let (fd, port) = try self.bindEphemeral()
        close(fd)
        return port
    }

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
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
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
