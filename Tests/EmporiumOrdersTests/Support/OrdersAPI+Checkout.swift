import EmporiumCore
import EmporiumPayments
import EmporiumTesting
import HummingbirdTesting
import Testing

extension OrdersAPI.Context {
    /// The payments ledger is balanced (every transaction sums to zero), and, when given, the
    /// cash account holds `cash`: what the captured payments, less refunds, brought in.
    func expectLedgerBalanced(cash: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let ledger = try await self.payments.ledgerCheck()
        #expect(ledger.total == 0 && ledger.unbalancedTransactions.isEmpty, sourceLocation: sourceLocation)
        if let cash {
            #expect(try await self.payments.balance(account: "cash") == cash, sourceLocation: sourceLocation)
        }
    }
}

extension TestClientProtocol {
    /// A new SKU (priced 1250, `stock` on hand) with `quantity` of it checked out by `user`
    /// (it must be a 201); returns the SKU and the paid order's id.
    func paidCheckout(user: String, quantity: Int, stock: Int) async throws -> (sku: String, orderId: String) {
        let sku = try await self.createSKU(stock: stock)
        return (sku, try await self.paidOrder(user: user, sku: sku, quantity: quantity).id)
    }
}
