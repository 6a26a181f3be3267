public import Hummingbird

/// A SKU's stock is answered as it is: the router encodes it (`EmporiumRequestContext.responseEncoder`).
extension Stock: ResponseEncodable {}
