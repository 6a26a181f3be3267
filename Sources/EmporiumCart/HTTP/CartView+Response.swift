public import Hummingbird

/// The cart is answered as it is: the router encodes it (`EmporiumRequestContext.responseEncoder`).
extension CartView: ResponseEncodable {}
