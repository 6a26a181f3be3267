// swift-tools-version:6.2
import PackageDescription

// The same upcoming features Hummingbird turns on: explicit existentials, imports that
// say what they use, and internal-by-default imports so modules expose only what they mean to.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// A service module: the kit, its `serve` flags, HTTP, gRPC, SQL and logs, plus its own.
func serviceModule(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(
        name: name,
        dependencies: [
            "EmporiumCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "SQLKit", package: "sql-kit"),
        ] + dependencies,
        swiftSettings: swiftSettings
    )
}

/// A test target: the kit, the test support and HummingbirdTesting, plus what it tests.
func testModule(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(
        name: name,
        dependencies: [
            "EmporiumCore",
            "EmporiumTesting",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ] + dependencies,
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "emporium",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "emporium", targets: ["Emporium"]),
        // Load generators for benchmarks/ (Emporium's own gRPC clients); not for users.
        .executable(name: "emporium-bench", targets: ["EmporiumBench"]),
        // For benchmarks/micro, the package-benchmark suite (a package of its own, so its
        // dependencies never reach this package's build or CI); not a public API.
        .library(name: "EmporiumCore", targets: ["EmporiumCore"]),
        .library(name: "EmporiumCatalog", targets: ["EmporiumCatalog"]),
        .library(name: "EmporiumInventory", targets: ["EmporiumInventory"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // Latency histograms of the load generator (emporium-bench load) only.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // SQLite's C API under the names of sqlite-nio's vendored copy (see its header).
        .target(name: "CEmporiumSQLite"),
        .target(
            name: "EmporiumCore",
            dependencies: [
                "CEmporiumSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        // Generated by scripts/generate-protos from proto/ and committed.
        .target(
            name: "EmporiumProto",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // Typed clients of each service's internal gRPC API, for the services that call it.
        .target(
            name: "EmporiumClients",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "EmporiumCore",
                "EmporiumProto",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        serviceModule(
            "EmporiumInventory",
            [
                "EmporiumClients", "EmporiumDemo", "EmporiumProto",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        serviceModule("EmporiumPayments", ["EmporiumProto"]),
        serviceModule(
            "EmporiumOrders",
            [
                "EmporiumClients", "EmporiumProto",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        serviceModule("EmporiumCart", ["EmporiumClients", "EmporiumProto"]),
        // Owns no data: pages rendered from the other services' answers (over gRPC).
        .target(
            name: "EmporiumStorefront",
            dependencies: [
                "EmporiumCore", "EmporiumClients",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Templates"), .copy("Assets")],
            swiftSettings: swiftSettings
        ),
        serviceModule("EmporiumCatalog", ["EmporiumDemo", "EmporiumProto"]),
        serviceModule(
            "EmporiumIdentity",
            [
                "EmporiumProto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        // The demo catalog (products and their stock), seeded by catalog and inventory.
        .target(name: "EmporiumDemo", swiftSettings: swiftSettings),
        // The list of every service (ServiceRegistry): the one place services are named.
        .target(
            name: "EmporiumServices",
            dependencies: [
                "EmporiumCart", "EmporiumCatalog", "EmporiumCore", "EmporiumIdentity", "EmporiumInventory", "EmporiumOrders", "EmporiumPayments",
                "EmporiumStorefront",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Emporium",
            dependencies: [
                "EmporiumCore",
                "EmporiumServices",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EmporiumBench",
            dependencies: [
                "EmporiumCatalog",
                "EmporiumClients",
                "EmporiumCore",
                "EmporiumDemo",
                "EmporiumInventory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EmporiumTesting",
            dependencies: [
                "EmporiumClients",
                "EmporiumCore",
                // The in-memory payments peer answers the test cards with payments' own processor.
                "EmporiumPayments",
                // The fixtures that boot several services at once (ShopAPI, OrdersAPI).
                "EmporiumCart", "EmporiumCatalog", "EmporiumInventory", "EmporiumOrders",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Sources/EmporiumTesting",
            swiftSettings: swiftSettings
        ),
        // RPC/: the transports, retries and breaker drive a real peer client and services.
        testModule(
            "EmporiumCoreTests",
            [
                "EmporiumCart", "EmporiumClients", "EmporiumPayments", "EmporiumProto",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "EmporiumProtoTests",
            dependencies: [
                "EmporiumProto",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        testModule(
            "EmporiumCatalogTests",
            ["EmporiumCatalog", "EmporiumDemo", "EmporiumClients", .product(name: "GRPCCore", package: "grpc-swift-2"), .product(name: "SQLKit", package: "sql-kit")]
        ),
        testModule(
            "EmporiumIdentityTests",
            [
                "EmporiumIdentity", "EmporiumCatalog", "EmporiumClients", .product(name: "GRPCCore", package: "grpc-swift-2"), .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        testModule("EmporiumStorefrontTests", [
            "EmporiumStorefront", "EmporiumCatalog", "EmporiumInventory", "EmporiumCart", "EmporiumOrders", "EmporiumPayments", "EmporiumIdentity", "EmporiumClients",
        ]),
        testModule("EmporiumCartTests", ["EmporiumCart", "EmporiumCatalog", "EmporiumDemo", "EmporiumClients", .product(name: "GRPCCore", package: "grpc-swift-2")]),
        testModule(
            "EmporiumInventoryTests",
            [
                "EmporiumInventory", "EmporiumCatalog", "EmporiumClients", "EmporiumDemo",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
            ]
        ),
        testModule(
            "EmporiumOrdersTests",
            [
                "EmporiumOrders", "EmporiumClients", "EmporiumPayments", "EmporiumCatalog", "EmporiumInventory", "EmporiumCart",
                "EmporiumDemo", .product(name: "Metrics", package: "swift-metrics"), .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
            ]
        ),
        testModule(
            "EmporiumPaymentsTests",
            [
                "EmporiumPayments", "EmporiumClients", .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        // The registry and what is checked across every service it lists (settings, the
        // OpenAPI contract against the assembled route table): these need every module.
        testModule(
            "EmporiumServicesTests",
            [
                "EmporiumServices", "EmporiumCart", "EmporiumCatalog", "EmporiumClients", "EmporiumIdentity",
                "EmporiumInventory", "EmporiumOrders", "EmporiumPayments", "EmporiumStorefront", .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"), .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // The whole `emporium` binary as processes (embedded and serve), crashes, shutdown.
        testModule(
            "EmporiumSystemTests",
            [
                "Emporium", "EmporiumClients", .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
    ]
)
