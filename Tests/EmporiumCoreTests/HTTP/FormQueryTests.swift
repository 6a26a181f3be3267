import EmporiumCore
import HTTPTypes
import Testing

/// Query strings read as HTML forms send them.
@Suite struct FormQueryTests {
    @Test func plusIsASpaceAndPercentTwoBIsAPlus() throws {
        let query = FormQuery("q=walnut+desk&plus=a%2Bb&both=a+%2B+b&empty=&bare&sp=a%20b&k%2By=v")
        #expect(try query["q"] == "walnut desk")
        #expect(try query["plus"] == "a+b")
        #expect(try query["both"] == "a + b")
        #expect(try query["empty"] == "")
        #expect(try query["bare"] == "")
        #expect(try query["sp"] == "a b")
        #expect(try query["k+y"] == "v")
        #expect(try query["missing"] == nil)
    }

    @Test func firstValueWinsAndEqualsSplitsOnce() throws {
        let query = FormQuery("a=1&a=2&b=x=y&&c=%C3%A8")
        #expect(try query["a"] == "1")
        #expect(try query["b"] == "x=y")
        #expect(try query["c"] == "è")
        #expect(try FormQuery(nil)["a"] == nil)
        #expect(try FormQuery("")["a"] == nil)
    }

    /// API.md: unknown query parameters are ignored, whatever they hold; only what the API
    /// reads must be well-formed.
    @Test func parametersNobodyReadsAreIgnoredEvenWhenMalformed() throws {
        let query = FormQuery("junk=%zz&nul=%00&%zz=1&q=desk")
        #expect(try query["q"] == "desk")
        #expect(try query["other"] == nil)
    }

    @Test(arguments: ["q=%zz", "q=%", "q=%4", "q=%E5", "q=%FF%FE"])
    func malformedPercentEncodingIs400(_ raw: String) {
        expectBadRequest(naming: "q") { try FormQuery(raw)["q"] }
    }

    @Test(arguments: ["q=%00", "q=a%0Ab", "q=%0D", "q=%09", "q=%1B", "q=%7F", "q=%C2%85"])
    func controlCharactersAre400(_ raw: String) {
        expectBadRequest(naming: "q") { try FormQuery(raw)["q"] }
    }
}
