public import EmporiumCore

/// What catalog refuses, thrown by its domain rules and its store. The HTTP edge answers
/// each case with a problem (`HTTP/CatalogError+Problem.swift`), the gRPC edge with a status
/// (`RPC/CatalogError+RPC.swift`).
public enum CatalogError: Error, Sendable, Equatable {
    /// Fields that break the product rules.
    case invalid([FieldError])
    /// The product names a category that does not exist.
    case unknownCategory
    /// Another live category or product has this slug.
    case slugTaken(String)
    /// These SKUs belong to another product (SKUs are unique across the catalog).
    case skusTaken([String])
    /// A concurrent write took the slug or a SKU between the check and the write.
    case concurrentChange
    /// A page cursor made for another sort order.
    case cursorForAnotherSort
    /// A row just written could not be read back: a bug, not the caller's fault.
    case lostWrite
}
