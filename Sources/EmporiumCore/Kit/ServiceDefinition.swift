public import ArgumentParser

/// One service as the `emporium` binary knows it: its name, its own typed settings (and the
/// flags `emporium serve <name> --help` documents for them), the peers it calls, and how to
/// build its unit. Each service module exports one; `ServiceRegistry` lists them, and every
/// way to run (embedded, `serve`, the test harnesses) goes through that list, so a new
/// service is added in one place.
public protocol ServiceDefinition {
    /// This service's command-line flags (`serve <name>` only; the embedded default reads
    /// the same settings from the environment and the settings file).
    associatedtype Flags: SettingsFlags = NoFlags
    /// This service's settings, typed and validated once, at start.
    associatedtype Settings: Sendable

    /// The service's name: its `serve` subcommand, its database file, its metrics label.
    static var name: String { get }
    /// One line for `emporium serve --help`.
    static var summary: String { get }
    /// The services this one calls over gRPC; `serve` needs each one's address.
    static var peers: [String] { get }
    /// Whether this service issues the access tokens the others verify (identity): the
    /// embedded default builds it first and hands its verifier to the rest.
    static var issuesTokens: Bool { get }
    /// Whether this service has a database of its own (every service but the storefront,
    /// which only calls the others): without one, no SQLite file is opened and
    /// `serve` needs no database URL.
    static var ownsData: Bool { get }
    /// Settings read only from the environment or the settings file (secrets, test
    /// switches), for `serve <name> --help`.
    static var environmentHelp: String { get }

    static func settings(from reader: SettingsReader) throws -> Settings
    static func build(_ context: ServiceContext, settings: Settings) throws -> ServiceUnit
}

extension ServiceDefinition {
    public static var peers: [String] { [] }
    public static var issuesTokens: Bool { false }
    public static var ownsData: Bool { true }
    public static var environmentHelp: String { "" }

    /// Reads and validates this service's settings now, so a bad value stops the process
    /// before anything is opened; the result builds the unit later.
    public static func configure(_ reader: SettingsReader) throws -> ConfiguredService {
        let settings = try self.settings(from: reader)
        return ConfiguredService(name: self.name, peers: self.peers, issuesTokens: self.issuesTokens, ownsData: self.ownsData) { context in
            try self.build(context, settings: settings)
        }
    }
}

extension ServiceDefinition where Settings == NoSettings {
    public static func settings(from reader: SettingsReader) throws -> NoSettings {
        NoSettings()
    }
}

/// A service whose settings have been read and validated, ready to build.
public struct ConfiguredService: Sendable {
    public let name: String
    public let peers: [String]
    public let issuesTokens: Bool
    public let ownsData: Bool
    let makeUnit: @Sendable (ServiceContext) throws -> ServiceUnit

    public func build(_ context: ServiceContext) throws -> ServiceUnit {
        try self.makeUnit(context)
    }
}

/// A service's flags as settings keys (`sagaLeaseMs`, without the `emporium.` scope), so
/// flags, environment variables and the settings file are read by one layered reader.
public protocol SettingsFlags: ParsableArguments {
    var flags: [String: String] { get }
}

/// For services without flags of their own.
public struct NoFlags: SettingsFlags {
    public init() {}
    public var flags: [String: String] { [:] }
}

/// For services without settings of their own.
public struct NoSettings: Sendable {
    public init() {}
}

extension SettingsFlags {
    /// The flags given, by settings key; the ones left out (nil) fall through to the
    /// environment, the settings file and the default.
    public static func given(_ values: KeyValuePairs<String, (any CustomStringConvertible)?>) -> [String: String] {
        var flags: [String: String] = [:]
        for (key, value) in values {
            flags[key] = value.map(\.description)
        }
        return flags
    }
}
