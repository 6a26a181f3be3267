public import Hummingbird

/// A page is answered as it is: the router encodes it (`EmporiumRequestContext.responseEncoder`).
extension Page: ResponseEncodable {}
