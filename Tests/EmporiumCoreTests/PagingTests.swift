import EmporiumCore
import HTTPTypes
import Testing

@Suite struct PagingTests {
    @Test func cursorRoundTrips() throws {
        let cursor = PageCursor(sort: "name", text: "crème brûlée torch", id: "prd_1")
        let decoded = try PageCursor.decode(cursor.encoded(), sort: "name")
        #expect(decoded == cursor)
        #expect(!cursor.encoded().contains("="))
    }

    @Test(arguments: ["", "not-base64!", "e30", "eyJzb3J0IjoibmFtZSJ9", String(repeating: "A", count: 2000)])
    func malformedCursorsAre400(_ raw: String) {
        #expect(throws: Problem.self) { try PageCursor.decode(raw, sort: "name") }
        do {
            _ = try PageCursor.decode(raw, sort: "name")
        } catch let problem as Problem {
            #expect(problem.status == .badRequest)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func cursorFromAnotherSortIsRejected() {
        let cursor = PageCursor(sort: "price", number: 100, id: "prd_1").encoded()
        #expect(throws: Problem.self) { try PageCursor.decode(cursor, sort: "name") }
    }

    @Test(arguments: [("1", 1), ("100", 100), ("20", 20)])
    func limitsInRangeParse(_ raw: String, _ expected: Int) throws {
        #expect(try PageLimit.parse(raw) == expected)
    }

    @Test(arguments: ["0", "101", "-1", "abc", "1.5", ""])
    func limitsOutOfRangeAre400(_ raw: String) {
        #expect(throws: Problem.self) { try PageLimit.parse(raw) }
    }

    @Test func limitDefaultsTo20() throws {
        #expect(try PageLimit.parse(nil) == 20)
    }
}
