import Foundation
import TestSupport

/// The built `candor` executable and the repository's fixture folders, as the end-to-end tests
/// see them. The executable is `$CANDOR_BIN` when set, else the `candor` next to the test bundle
/// (SwiftPM builds both into the same `.build/<configuration>` folder).
struct CandorExecutable {
    let url: URL

    static func located() -> CandorExecutable { CandorExecutable(url: URL(fileURLWithPath: CandorBinary.path)) }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var crashed: Bool
    }

    /// Runs candor to completion, killed after `timeout` seconds (then this throws). Output
    /// goes through temporary files, so a large stdout can never block the child while we
    /// wait for it.
    func run(_ arguments: [String], stdin: URL? = nil, timeout: Double = 300) throws -> Run {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("candor-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("stdout")
        let err = folder.appendingPathComponent("stderr")
        for file in [out, err] where !FileManager.default.createFile(atPath: file.path, contents: nil) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try process.run()
        let deadline = ProcessDeadline(process, seconds: timeout)
        process.waitUntilExit()
        try deadline.check()
        try outHandle.close()
        try errHandle.close()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self),
            crashed: process.terminationReason == .uncaughtSignal
        )
    }
}

enum FixturePaths {
    /// The repository root: this file is `<root>/Tests/CandorTests/CandorExecutable.swift`.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let cornerDBCs = root.appendingPathComponent("Fixtures/dbc/corner")
    static let cornerCaptures = root.appendingPathComponent("Fixtures/captures/corner")
    static let expected = root.appendingPathComponent("Fixtures/expected")

    static func files(in folder: URL, suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted()
    }
}
