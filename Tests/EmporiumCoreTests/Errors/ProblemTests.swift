import EmporiumCore
import Foundation
import Hummingbird
import Testing

@Suite struct ProblemTests {
    @Test func validationProblemListsFieldsAndIs422() throws {
        let problem = Problem.validation([FieldError(field: "name", message: "must not be empty")])
        #expect(problem.status == .unprocessableContent)
        #expect(problem.type.hasSuffix("/validation"))
        #expect(problem.errors == [FieldError(field: "name", message: "must not be empty")])
        let response = problem.response()
        #expect(response.headers[.contentType] == "application/problem+json")
    }

    @Test func unauthorizedAsksForBearer() {
        let response = Problem.unauthorized().response()
        #expect(response.status == .unauthorized)
        #expect(response.headers[.wwwAuthenticate] == "Bearer")
    }

    @Test func methodNotAllowedNamesAllowedMethods() {
        let problem = Problem.methodNotAllowed(allowed: [.post, .get])
        #expect(problem.status == .methodNotAllowed)
        #expect(problem.headers[.allow] == "GET, POST")
    }
}
