import ArgumentParser

/// `emporium`: with no subcommand, the whole shop in one process on SQLite;
/// `emporium serve <service>`: one service on PostgreSQL.
@main
struct EmporiumCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emporium",
        abstract: "Emporium, an e-commerce platform of Swift services.",
        subcommands: [RunAll.self, Serve.self],
        defaultSubcommand: RunAll.self
    )
}
