import Foundation

/// The embedded mode's data directory: SQLite files holding signing keys, password hashes
/// and orders. Created 0700 (only this user may list or open anything in it); an existing
/// directory the operator chose is left as it is, since it may be shared on purpose.
public enum DataDirectory {
    public static func prepare(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DataDirectoryError.notADirectory(path) }
            return
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // createDirectory applies the umask to the mode it was given; set it outright.
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
    }
}

public enum DataDirectoryError: Error, CustomStringConvertible {
    case notADirectory(String)
    case cannotCreate(String)

    public var description: String {
        switch self {
        case .notADirectory(let path): "\(path) exists and is not a directory"
        case .cannotCreate(let path): "could not create \(path)"
        }
    }
}
