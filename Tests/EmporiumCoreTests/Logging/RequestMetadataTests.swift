import EmporiumCore
import Logging
import Testing

@Suite struct RequestMetadataTests {
    @Test func providerCarriesTheRequestIdOnlyInsideTheRequest() {
        #expect(RequestMetadata.provider.get().isEmpty)
        RequestMetadata.$requestID.withValue("req-1") {
            #expect(RequestMetadata.provider.get()["request.id"] == .string("req-1"))
        }
    }

    @Test func handlerKeepsMetadataAndLevel() {
        var handler = EmporiumLogHandler(label: "test", level: .warning, metadataProvider: RequestMetadata.provider)
        handler[metadataKey: "service"] = "catalog"
        #expect(handler[metadataKey: "service"] == "catalog")
        #expect(handler.logLevel == .warning)
    }
}
