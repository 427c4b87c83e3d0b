// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "candor",
    products: [
        .executable(name: "candor", targets: ["candor"]),
        .library(name: "CANCore", targets: ["CANCore"]),
        .library(name: "CANDatabase", targets: ["CANDatabase"]),
        .library(name: "CANCapture", targets: ["CANCapture"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure, stdlib only: ids, frames, DLC table, error classes, timestamps.
        .target(name: "CANCore"),
        // The one I/O layer outside SocketCAN: errno -> SystemError naming the call, EINTR
        // retried once here, descriptors owned (close-on-exec, closed once). libc only.
        .target(name: "SystemIO", dependencies: ["CThreadName"]),
        // pthread_setname_np, for SystemThread only (Swift's Glibc module lacks it).
        .target(name: "CThreadName"),
        // zlib, for reading and writing `.gz` captures.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libdeflate, for the uplink's payloads (whole-buffer compression into zlib's format).
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // Capture formats over bytes: candump log and ASCII, Vector ASC, pcap/pcapng.
        .target(name: "CANCapture", dependencies: ["CANCore", "CZlib", "CDeflate", "SystemIO"]),
        // DBC text -> syntax -> immutable model -> compiled decode plan; encoder.
        .target(name: "CANDatabase", dependencies: ["CANCore", "SystemIO"]),
        // Pure: signal windows, message and bus health, operations figures on event time.
        .target(name: "Telemetry", dependencies: ["CANCore", "CANDatabase"]),
        // Linux CAN UAPI headers, CMSG_* and sizeof wrappers, struct-size asserts. No logic.
        .target(name: "CLinuxCAN"),
        // libsocketcan (LGPL-2.1, linked dynamically): controller state, bitrate, restart.
        .systemLibrary(
            name: "CSocketCAN",
            pkgConfig: "libsocketcan",
            providers: [.apt(["libsocketcan-dev"])]
        ),
        // The only module that touches CAN sockets and libsocketcan.
        .target(name: "SocketCAN", dependencies: ["CANCore", "CLinuxCAN", "CSocketCAN", "SystemIO"]),
        // SQLite (system library) for the embedded metric store.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // `candor bench`: a generated workload and the measurements.
        .target(name: "CANBenchmark", dependencies: ["CANCore", "CANCapture", "CANDatabase", "Telemetry", "Gateway", "SystemIO"]),
        // The demonstration fleet: vehicle physics, faults and ground truth -> frames.
        .target(name: "FleetSimulator", dependencies: ["CANCore", "CANDatabase", "CANCapture", "Telemetry", "SystemIO"]),
        // The gateway: candor.yaml, the frame pipeline (captures or buses -> decode -> telemetry ->
        // services), and the daemon (its buses through SocketCAN).
        .target(
            name: "Gateway",
            dependencies: [
                "CANCore", "CANDatabase", "CANCapture", "Telemetry", "CSQLite", "SocketCAN", "Outbox", "MQTT", "GBT32960", "TLS", "SystemIO",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The durable outbox of the uplinks: append-only CRC-checked segments + ack cursor.
        .target(name: "Outbox", dependencies: ["SystemIO"]),
        // GB/T 32960.3 (2016 and 2025): frames, bodies, stream framing. Pure, stdlib only.
        .target(name: "GBT32960", dependencies: ["CANCore"]),
        // libmosquitto (EPL-2.0/EDL-1.0, linked dynamically), imported only by MQTT.
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        // The MQTT client: MosquittoClient behind the MQTTConnection protocol.
        .target(name: "MQTT", dependencies: ["CMosquitto", "SystemIO"]),
        // OpenSSL 3 (Apache-2.0, linked dynamically), imported only by TLS.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // TLSStream: a TLS client over a connected socket (the GB/T 32960 platform connection).
        .target(name: "TLS", dependencies: ["COpenSSL", "SystemIO"]),
        // `candor collect`: the fleet side of the uplink (shared subscription -> fleet store).
        .target(
            name: "Collector",
            dependencies: ["Gateway", "MQTT", "Telemetry", "CANCapture", "CANCore", "SystemIO",
                           .product(name: "Prometheus", package: "swift-prometheus")]
        ),
        // Pure SVG charts for the report: scales with nice ticks, lines, bars, heatmaps, timelines.
        .target(name: "Plot", dependencies: ["CANCore"]),
        // `candor report`: the operations report (HTML, Markdown, CSV) from a store.
        .target(name: "Report", dependencies: ["Plot", "Gateway", "SystemIO"]),
        // The executable: one file per subcommand, thin.
        .executableTarget(
            name: "candor",
            dependencies: [
                "CANCore", "CANCapture", "CANDatabase", "CANBenchmark", "FleetSimulator", "SocketCAN", "Gateway", "GBT32960", "Report", "Collector", "MQTT", "SystemIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer targets, one per parser of untrusted bytes (README.md, Testing); built
        // with --sanitize=fuzzer into .build-fuzz, harmless no-op executables in a plain build.
        .target(name: "FuzzSupport", dependencies: ["CANCapture", "CANCore", "CANDatabase", "Gateway", "GBT32960", "Collector", "MQTT", "Telemetry"],
                path: "Tests/Fuzz/Support"),
        .executableTarget(name: "FuzzDBC", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/DBC"),
        .executableTarget(name: "FuzzCandumpLog", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/CandumpLog"),
        .executableTarget(name: "FuzzCandumpASCII", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/CandumpASCII"),
        .executableTarget(name: "FuzzASC", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/ASC"),
        .executableTarget(name: "FuzzPcap", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/Pcap"),
        .executableTarget(name: "FuzzPcapng", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/Pcapng"),
        .executableTarget(name: "FuzzConfig", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/Config"),
        .executableTarget(name: "FuzzTail", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/Tail"),
        .executableTarget(name: "FuzzGBT32960", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/GBT32960"),
        .executableTarget(name: "FuzzCollector", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/Collector"),
        .executableTarget(name: "FuzzNMEATrack", dependencies: ["FuzzSupport"], path: "Tests/Fuzz/NMEATrack"),
        // `candor-probe`: SocketCAN driven directly, for the VM checks only (Tests/VM/run.sh builds it).
        .executableTarget(
            name: "candor-probe",
            dependencies: [
                "CANCore", "CANCapture", "SocketCAN", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/VMProbe"
        ),
        // Helpers shared by test targets (Python oracles); not a product, never in the binary.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CANCoreTests", dependencies: ["CANCore"]),
        .testTarget(name: "GBT32960Tests", dependencies: ["GBT32960", "CANCore", "TestSupport"]),
        .testTarget(name: "CANCaptureTests", dependencies: ["CANCapture", "TestSupport"]),
        .testTarget(name: "CANDatabaseTests", dependencies: ["CANDatabase", "CANCapture", "TestSupport"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "FleetSimulator", "CANDatabase", "CANCore"]),
        .testTarget(name: "CandorTests", dependencies: ["candor", "CANCore", "TestSupport"]),
        .testTarget(name: "FleetSimulatorTests", dependencies: ["FleetSimulator", "CANDatabase", "CANCapture", "Telemetry", "TestSupport"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Plot", "Gateway", "Telemetry", "TestSupport"], exclude: ["Snapshots"]),
        .testTarget(name: "SocketCANTests", dependencies: ["SocketCAN", "CLinuxCAN"]),
        .testTarget(name: "OutboxTests", dependencies: ["Outbox", "CANCore", "TestSupport"]),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", "CANCore", "TestSupport"]),
        .testTarget(name: "CollectorTests", dependencies: ["Collector", "Gateway", "MQTT", "FleetSimulator", "Telemetry", "CANCore", "CANCapture", "TestSupport"]),
        .testTarget(name: "UplinkTests", dependencies: ["Gateway", "MQTT", "Outbox", "FleetSimulator", "Telemetry", "CANCore", "CANCapture", "TestSupport"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "GBT32960", "FleetSimulator", "Telemetry", "CANCore", "CANCapture", "CANDatabase", "CSQLite", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
