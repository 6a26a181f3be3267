import EmporiumCore
import HTTPTypes
import Testing

@Suite struct RouteTableTests {
    @Test func matchesTemplatesByShape() {
        let table = RouteTable()
        table.record([
            (path: "/api/v1/products", method: .get), (path: "/api/v1/products", method: .post),
            (path: "/api/v1/products/{id}", method: .get), (path: "/api/v1/products/{id}", method: .delete),
        ])
        #expect(Set(table.allowedMethods(forPath: "/api/v1/products")) == [.get, .post])
        #expect(Set(table.allowedMethods(forPath: "/api/v1/products/prd_1")) == [.get, .delete])
        #expect(table.allowedMethods(forPath: "/api/v1/nothing").isEmpty)
        #expect(table.allowedMethods(forPath: "/api/v1/products/a/b").isEmpty)
    }
}
