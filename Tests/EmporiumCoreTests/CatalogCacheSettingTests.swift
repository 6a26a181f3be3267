import EmporiumCore
import Testing

/// `EMPORIUM_CATALOG_CACHE_BYTES`: the catalog response cache's bound (0 turns it off).
@Suite struct CatalogCacheSettingTests {
    @Test func defaultsTo32MiBAndReadsTheEnvironment() throws {
        #expect(try ServerSettings(reader: ServerSettings.reader(flags: [:], environment: [:])).catalogCacheBytes == 32 << 20)
        let off = try ServerSettings(reader: ServerSettings.reader(flags: [:], environment: ["EMPORIUM_CATALOG_CACHE_BYTES": "0"]))
        #expect(off.catalogCacheBytes == 0)
    }

    @Test(arguments: ["-1", "lots", "99999999999999"])
    func malformedValuesFailFast(_ value: String) {
        #expect(throws: ConfigurationError.self) {
            try ServerSettings(reader: ServerSettings.reader(flags: [:], environment: ["EMPORIUM_CATALOG_CACHE_BYTES": value]))
        }
    }
}
