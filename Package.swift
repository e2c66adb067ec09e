// swift-tools-version:6.0
import PackageDescription

/// The executable carries the Swift runtime and Foundation inside it (`-static-stdlib`) instead
/// of loading them, with ~20 shared libraries, at every start: the dynamic linker's symbol
/// lookups for them were about half of the start-up of a command (docs/performance.md,
/// "Start-up"). The toolchain's static Foundation does not name the libraries it needs itself,
/// so they are given here, as a group. The tests link dynamically, as before.
let staticSwiftLibraries: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-Xlinker", "--start-group"]
        + ["Foundation", "FoundationEssentials", "FoundationInternationalization", "_FoundationICU", "_FoundationCShims",
           "_FoundationCollections", "CoreFoundation", "swiftDispatch", "dispatch", "BlocksRuntime", "swiftSynchronization"]
            .flatMap { ["-Xlinker", "-l" + $0] }
        + ["-Xlinker", "--end-group", "-Xlinker", "-lstdc++"]),
]

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
        // The command line (swift-argument-parser's commands and the fast path for common lines),
        // a library so that its tests can hold the two parsers side by side.
        .target(
            name: "FunnelCommands",
            dependencies: [
                "FunnelShell", "FunnelCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "funnel", dependencies: ["FunnelCommands"], linkerSettings: staticSwiftLibraries),
        // The fuzz target (scripts/fuzz) and the replay of its corpus in the tests.
        .target(name: "FunnelFuzzing", dependencies: ["FunnelCore"]),
        .executableTarget(name: "funnel-fuzz", dependencies: ["FunnelFuzzing"]),
        .testTarget(name: "FunnelCoreTests", dependencies: ["FunnelCore", "FunnelFuzzing"]),
        .testTarget(name: "FunnelShellTests", dependencies: ["FunnelShell", "FunnelCore"]),
        .testTarget(name: "FunnelCommandsTests", dependencies: [
            "FunnelCommands", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ]
)
