public import Hummingbird

// Identity's bodies, answered as they are: the router encodes them
// (`EmporiumRequestContext.responseEncoder`).
extension Session: ResponseEncodable {}
extension User: ResponseEncodable {}
extension JWKSDocument: ResponseEncodable {}
