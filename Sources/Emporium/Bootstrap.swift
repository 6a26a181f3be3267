import EmporiumCore
import Logging

enum Bootstrap {
    /// Logs go to stderr, one line each, with metadata (`request.id`, …) inline.
    static func logger(_ settings: ServerSettings) -> Logger {
        LoggingSystem.bootstrap(
            { label, provider in
                EmporiumLogHandler(label: label, level: settings.logLevel, metadataProvider: provider)
            },
            metadataProvider: RequestMetadata.provider
        )
        var logger = Logger(label: "emporium")
        logger.logLevel = settings.logLevel
        return logger
    }
}
