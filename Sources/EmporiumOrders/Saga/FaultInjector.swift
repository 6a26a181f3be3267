import Foundation
import Logging

/// Tests only (refused without `EMPORIUM_TEST_MODE=1`): when checkout reaches `<point>`,
/// `EMPORIUM_FAULT=orders.<point>:crash` kills this process (SIGKILL, like `kill -9`: no
/// cleanup, no flush), so crash tests can stop a saga at every step, and
/// `orders.<point>:stall=<ms>` holds the checkout there that long, so shutdown tests have a
/// slow request in flight. Unset, it does nothing.
struct FaultInjector: Sendable {
    enum Action: Equatable { case crash, stall(Duration) }

    let point: String?
    let action: Action?

    init(spec: String?) {
        guard let spec, spec.hasPrefix("orders."), let colon = spec.firstIndex(of: ":") else {
            (self.point, self.action) = (nil, nil)
            return
        }
        let point = String(spec[spec.index(spec.startIndex, offsetBy: "orders.".count)..<colon])
        let action = spec[spec.index(after: colon)...]
        if action == "crash" {
            (self.point, self.action) = (point, .crash)
        } else if action.hasPrefix("stall="), let ms = Int(action.dropFirst("stall=".count)), ms > 0 {
            (self.point, self.action) = (point, .stall(.milliseconds(ms)))
        } else {
            (self.point, self.action) = (nil, nil)
        }
    }

    func hit(_ point: String, logger: Logger) async {
        guard point == self.point, let action = self.action else { return }
        switch action {
        case .crash:
            logger.critical("Fault injection: crashing at orders.\(point)")
            kill(getpid(), SIGKILL)
        case .stall(let duration):
            logger.warning("Fault injection: stalling at orders.\(point)", metadata: ["for": "\(duration)"])
            try? await Task.sleep(for: duration)
        }
    }
}
