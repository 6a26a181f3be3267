import EmporiumCore
import Logging
import Testing

@Suite struct SettingsTests {
    @Test func defaults() throws {
        let settings = try ServerSettings(reader: ServerSettings.reader(flags: [:], environment: [:]))
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.dataDirectory == "./.emporium")
        #expect(settings.bodyLimit == 1_048_576)
        #expect(settings.databaseURL == nil)
        #expect(settings.directEmbeddedCalls)
    }

    @Test func environmentOverridesDefaultsAndFlagsOverrideEnvironment() throws {
        let environment = ["EMPORIUM_PORT": "9000", "EMPORIUM_DATA_DIR": "/tmp/x", "EMPORIUM_BODY_LIMIT": "2048", "EMPORIUM_LOG_LEVEL": "debug"]
        let settings = try ServerSettings(reader: ServerSettings.reader(flags: ["port": "9100"], environment: environment))
        #expect(settings.port == 9100)
        #expect(settings.dataDirectory == "/tmp/x")
        #expect(settings.bodyLimit == 2048)
        #expect(settings.logLevel == .debug)
        let grpc = try ServerSettings(reader: ServerSettings.reader(flags: [:], environment: ["EMPORIUM_EMBEDDED_CALLS": "grpc"]))
        #expect(!grpc.directEmbeddedCalls)
    }

    @Test(arguments: [
        ["EMPORIUM_PORT": "abc"], ["EMPORIUM_PORT": "70000"], ["EMPORIUM_BODY_LIMIT": "0"],
        ["EMPORIUM_LOG_LEVEL": "loud"], ["EMPORIUM_EMBEDDED_CALLS": "memory"],
    ])
    func malformedValuesFailFast(_ environment: [String: String]) {
        #expect(throws: ConfigurationError.self) {
            try ServerSettings(reader: ServerSettings.reader(flags: [:], environment: environment))
        }
    }
}
