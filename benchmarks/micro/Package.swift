// swift-tools-version:6.1
// Micro-benchmarks of Emporium's hot pieces with ordo-one's package-benchmark, run on demand
// (`swift package benchmark` here), never in CI. A package of its own so the benchmark
// framework and its plugin never reach the main build.
import PackageDescription

let package = Package(
    name: "emporium-micro-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "emporium", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
    ],
    targets: [
        .executableTarget(
            name: "EmporiumMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EmporiumCore", package: "emporium"),
                .product(name: "EmporiumCatalog", package: "emporium"),
                .product(name: "EmporiumInventory", package: "emporium"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "Benchmarks/EmporiumMicro",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
