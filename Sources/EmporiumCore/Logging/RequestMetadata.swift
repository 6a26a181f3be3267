public import Logging

/// The request id as task-local metadata: every log line written while a request is being
/// handled carries `request.id`, through swift-log's metadata provider, without copying
/// the logger for each request.
public enum RequestMetadata {
    @TaskLocal public static var requestID: String?

    public static let provider = Logger.MetadataProvider {
        guard let id = RequestMetadata.requestID else { return [:] }
        return ["request.id": .string(id)]
    }
}
