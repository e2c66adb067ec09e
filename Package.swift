// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "funnel",
    products: [
        .executable(name: "funnel", targets: ["funnel"]),
        .library(name: "FunnelCore", targets: ["FunnelCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "FunnelCore", dependencies: ["CLibpq"]),
        .systemLibrary(name: "CLibpq", path: "Sources/CLibpq"),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .target(name: "FunnelShell", dependencies: ["FunnelCore", "CReadline"]),
        .executableTarget(
            name: "funnel",
            dependencies: [
                "FunnelShell", "FunnelCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The fuzz target (scripts/fuzz) and the replay of its corpus in the tests.
        .target(name: "FunnelFuzzing", dependencies: ["FunnelCore"]),
        .executableTarget(name: "funnel-fuzz", dependencies: ["FunnelFuzzing"]),
        .testTarget(name: "FunnelCoreTests", dependencies: ["FunnelCore", "FunnelFuzzing"]),
        .testTarget(name: "FunnelShellTests", dependencies: ["FunnelShell", "FunnelCore"]),
    ]
)
