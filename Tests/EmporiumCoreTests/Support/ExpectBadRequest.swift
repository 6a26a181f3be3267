import EmporiumCore
import HTTPTypes
import Testing

/// `body` is refused with a 400 problem whose field errors name exactly `field`.
func expectBadRequest<T>(naming field: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
    do {
        let accepted = try body()
        Issue.record("accepted, giving \(accepted)", sourceLocation: sourceLocation)
    } catch let problem as Problem {
        #expect(problem.status == .badRequest, sourceLocation: sourceLocation)
        #expect(problem.errors.map(\.field) == [field], sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}
