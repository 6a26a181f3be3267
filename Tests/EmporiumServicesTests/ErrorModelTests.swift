import EmporiumCart
import EmporiumCatalog
import EmporiumCore
import EmporiumIdentity
import EmporiumInventory
import EmporiumOrders
import EmporiumPayments
import GRPCCore
import HTTPTypes
import Testing

/// One error model: each service throws its own error enum, answered over HTTP through
/// one problem table and over gRPC through one status table; a stray `Problem` reaching a
/// gRPC handler keeps its meaning instead of arriving as UNKNOWN.
@Suite struct ErrorModelTests {
    @Test(arguments: [
        (Problem.validation(field: "sku", "bad"), RPCError.Code.invalidArgument),
        (Problem.badRequest("bad"), .invalidArgument),
        (Problem.unauthorized(), .unauthenticated),
        (Problem.forbidden(), .permissionDenied),
        (Problem.notFound("gone"), .notFound),
        (Problem.conflict("moved on"), .failedPrecondition),
        (Problem.serviceUnavailable("busy"), .unavailable),
        (Problem.internalError, .internalError),
    ])
    func aProblemInAGRPCHandlerKeepsItsMeaning(_ problem: Problem, _ code: RPCError.Code) {
        // What grpc-swift's server does with an `RPCErrorConvertible` a handler throws.
        let error = RPCError(problem)
        #expect(error.code == code)
        #expect(error.message == problem.detail)
    }

    @Test func storeRefusalsAnswerGRPCWithWhatCheckoutReads() {
        #expect(RPCError(InventoryError.unknown("r1")).code == .notFound)
        #expect(RPCError(InventoryError.alreadyIn("r1", .released)).code == .failedPrecondition)
        #expect(RPCError(PaymentsError.unknown("p1")).code == .notFound)
        #expect(RPCError(PaymentsError.alreadyIn("p1", .voided)).code == .failedPrecondition)
        #expect(RPCError(CatalogError.skusTaken(["A"])).code == .failedPrecondition)
        #expect(RPCError(CatalogError.invalid([])).code == .invalidArgument)
    }

    /// Every refusal a caller can fix or retry is a 4xx or a 503; only a lost write is a 500.
    @Test func everyServiceErrorAnswersHTTPWithAProblem() {
        let errors: [any ProblemConvertible] = [
            CatalogError.invalid([FieldError(field: "name", message: "is required")]), CatalogError.unknownCategory,
            CatalogError.slugTaken("mugs"), CatalogError.skusTaken(["M1"]), CatalogError.concurrentChange, CatalogError.cursorForAnotherSort,
            IdentityError.invalid([]), IdentityError.wrongCredentials, IdentityError.emailTaken, IdentityError.refreshTokenInvalid,
            IdentityError.refreshTokenReused, IdentityError.tooManyAttempts(reason: "Too many failed logins", retryAfterSeconds: 9),
            IdentityError.passwordChecksBusy(retryAfterSeconds: 1), IdentityError.keysNotLoaded,
            CartError.unknownSku("X"), CartError.skuNotSold("X"), CartError.lineOverLimit, CartError.tooManyLines, CartError.notInCart("X"),
            OrdersError.invalid([]), OrdersError.emptyCart, OrdersError.outOfStock(["X"]), OrdersError.keyJustReleased,
            OrdersError.inFlight(orderId: "o"), OrdersError.declined(orderId: "o", code: "card_declined"), OrdersError.checkoutFailed(orderId: "o"),
            OrdersError.checkoutPending(orderId: "o"), OrdersError.checkoutInterrupted(orderId: nil), OrdersError.notFound(orderId: "o"),
            OrdersError.notCancellable(status: "failed"), OrdersError.alreadyCancelling, OrdersError.cancellationInterrupted(orderId: "o"),
            OrdersError.notShippable(status: "cancelled", cancelling: false),
        ]
        for error in errors {
            let status = error.problem.status.code
            #expect((400..<500).contains(status) || status == 503, "\(error) → \(status)")
        }
        // Inventory's and payments' errors have only a gRPC table; HTTP follows from it.
        #expect(Problem.answering(InventoryError.unknown("r"))?.status == .notFound)
        #expect(Problem.answering(InventoryError.alreadyIn("r", .committed))?.status == .conflict)
        #expect(Problem.answering(PaymentsError.unknown("p"))?.status == .notFound)
        #expect(Problem.answering(PaymentsError.alreadyIn("p", .captured))?.status == .conflict)
        // A peer's RPCError is turned into a problem where the call is made, not here.
        #expect(Problem.answering(RPCError(code: .unavailable, message: "down")) == nil)
        #expect(CatalogError.lostWrite.problem.status == .internalServerError)
        #expect(OrdersError.lostOrder(orderId: "o").problem.status == .internalServerError)
        #expect(IdentityError.tooManyAttempts(reason: "Too many failed logins", retryAfterSeconds: 9).problem.headers[.retryAfter] == "9")
        #expect(OrdersError.declined(orderId: "o", code: "card_declined").problem.status.code == 402)
    }
}
