import PostgresNIO

/// Recognises the few database errors stores turn into API answers.
public enum DatabaseErrors {
    /// A UNIQUE (or primary key) constraint refused the write: the caller's 409.
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            return error.serverInfo?[.sqlState] == "23505"
        }
        if let error = error as? SQLiteFailure {
            return error.isUniqueViolation
        }
        return false
    }

    /// A PostgreSQL deadlock (40P01) or serialization failure (40001), or a prepared
    /// statement whose cached plan a migration invalidated (0A000, which leaves that statement
    /// unnamed on its connection from then on): the transaction was rolled back and running
    /// it again is safe and expected to succeed.
    public static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001" || PreparedStatements.isChangedResultType(error)
    }
}
