import Hummingbird

/// An order is answered as its view: the router encodes it (`EmporiumRequestContext.responseEncoder`).
extension OrderView: ResponseEncodable {}
