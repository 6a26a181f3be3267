import EmporiumCore
import Hummingbird

/// `GET /api/v1/payments?orderId=` (admin): an order's payments with their events.
struct PaymentsController: Sendable {
    let store: PaymentsStore
    let verifier: any TokenVerifier

    func addRoutes(to router: Router<EmporiumRequestContext>) {
        router.group("/api/v1/payments")
            .add(middleware: RequireRole(.admin, verifier: self.verifier))
            .get { request, _ in
                guard let orderId = try request.formQuery["orderId"], !orderId.isEmpty else {
                    throw Problem.badRequest("The orderId query parameter is required.")
                }
                let payments = try await self.store.payment(orderId: orderId).map { [$0] } ?? []
                return Page(items: payments, nextCursor: nil)
            }
    }
}
