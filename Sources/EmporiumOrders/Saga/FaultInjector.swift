import Foundation
import Logging

/// Tests only: `EMPORIUM_FAULT=orders.<point>:crash` kills this process (SIGKILL, like
/// `kill -9`: no cleanup, no flush) when checkout reaches `<point>`, so crash tests can
/// stop a saga at every step. Unset, it does nothing.
struct FaultInjector: Sendable {
    let crashPoint: String?

    init(spec: String?) {
        guard let spec, spec.hasPrefix("orders."), spec.hasSuffix(":crash") else {
            self.crashPoint = nil
            return
        }
        self.crashPoint = String(spec.dropFirst("orders.".count).dropLast(":crash".count))
    }

    func hit(_ point: String, logger: Logger) {
        guard point == self.crashPoint else { return }
        logger.critical("Fault injection: crashing at orders.\(point)")
        kill(getpid(), SIGKILL)
    }
}
