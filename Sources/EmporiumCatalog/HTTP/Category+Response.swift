public import Hummingbird

/// A new category is answered as it is: the router encodes it (`EmporiumRequestContext.responseEncoder`).
extension Category: ResponseEncodable {}
