import EmporiumCore
import Logging

enum Bootstrap {
    /// Logs go to stderr, one line each, with metadata (`request.id`, …) inline.
    static func logger(_ settings: ServerSettings) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        var logger = Logger(label: "emporium")
        logger.logLevel = settings.logLevel
        return logger
    }
}
