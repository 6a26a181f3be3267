public import EmporiumCore

/// Catalog's errors as HTTP answers them: the one table.
extension CatalogError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .invalid(let errors):
            return .validation(errors)
        case .unknownCategory:
            return .validation(field: "categoryId", "no category has this id")
        case .slugTaken(let slug):
            return .conflict("The slug \(slug) is taken.", errors: [FieldError(field: "slug", message: "is taken")])
        case .skusTaken(let skus):
            var problem = Problem.conflict(
                "SKUs are unique across the catalog, and these are taken: \(skus.joined(separator: ", ")).",
                errors: [FieldError(field: "variants", message: "SKU taken")]
            )
            problem.extensions["skus"] = .strings(skus)
            return problem
        case .concurrentChange:
            return .conflict("The slug or a SKU was taken by a concurrent change; retry.")
        case .cursorForAnotherSort:
            return .badRequest("cursor does not belong to this sort.", errors: [FieldError(field: "cursor", message: "invalid cursor")])
        case .lostWrite:
            return .internalError
        }
    }
}
