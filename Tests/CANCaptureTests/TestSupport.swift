import CANCore
import Foundation
import TestSupport
@testable import CANCapture

/// Reads every frame of an in-memory capture.
func readAll(
    _ text: String, name: String = "test.log", format: CaptureFormat? = nil, strict: Bool = false
) throws -> (frames: [CANFrame], statistics: CaptureStatistics) {
    try readAll(bytes: Array(text.utf8), name: name, format: format, strict: strict)
}

func readAll(
    bytes: [UInt8], name: String, format: CaptureFormat? = nil, strict: Bool = false
) throws -> (frames: [CANFrame], statistics: CaptureStatistics) {
    let reader = try CaptureReader(bytes: bytes, name: name, format: format, strict: strict)
    var frames: [CANFrame] = []
    while let frame = try reader.next() { frames.append(frame) }
    return (frames, reader.statistics)
}

func readAll(path: String, format: CaptureFormat? = nil, strict: Bool = false) throws -> [CANFrame] {
    let reader = try CaptureReader(path: path, format: format, strict: strict)
    var frames: [CANFrame] = []
    while let frame = try reader.next() { frames.append(frame) }
    return frames
}

func writeAll(_ frames: [CANFrame], to path: String, format: CaptureFormat? = nil, gzip: Bool? = nil) throws {
    let writer = try CaptureWriter(path: path, format: format, gzip: gzip)
    for frame in frames { try writer.write(frame) }
    try writer.close()
}

/// A fresh directory under the system temporary directory, removed by the caller.
func makeScratchDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("candor-capture-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func timestamp(_ seconds: Int64, _ nanoseconds: UInt32, digits: UInt8 = 6) -> CANTimestamp {
    CANTimestamp(seconds: seconds, nanoseconds: nanoseconds, fractionDigits: digits)
}

/// Finds an oracle executable (`OracleTool`). Missing: nil, so its test is skipped with a
/// message — except under Tests/run.sh (`CANDOR_VENV` set), where every oracle is required:
/// then a path that cannot run, so the test runs and fails saying which tool is missing.
func findTool(_ name: String) -> String? {
    OracleTool.path(name) ?? (OracleTool.isRequired ? "/oracle-not-installed/\(name)" : nil)
}

/// Runs a tool; returns its standard output, throws when it exits non-zero.
@discardableResult
func run(_ tool: String, _ arguments: [String], stdin: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let input = Pipe()
    process.standardInput = input
    try process.run()
    let deadline = ProcessDeadline(process, seconds: 300)
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try deadline.check()
    guard process.terminationStatus == 0 else {
        throw ToolFailure(tool: tool, status: process.terminationStatus, stderr: String(decoding: errorData, as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self)
}

struct ToolFailure: Error, CustomStringConvertible {
    var tool: String
    var status: Int32
    var stderr: String
    var description: String { "\(tool) exited \(status): \(stderr)" }
}
