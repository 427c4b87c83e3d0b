import CANCore
import Foundation
import TestSupport
import Testing
@testable import CANCapture

/// python-can (installed with cantools in the test venv) reads what we write.
@Suite("oracle: python-can")
struct PythonCANOracleTests {
    /// A Python with python-can, found by `PythonOracle` (the one finder of every test).
    static let enabled = PythonOracle.shouldRun(importing: ["can"])

    /// Prints one line per message python-can reads from a file.
    static let dump = """
        import sys, can
        reader = can.ASCReader(sys.argv[1]) if sys.argv[1].endswith(".asc") else can.CanutilsLogReader(sys.argv[1])
        for m in reader:
            print("%.6f|%s|%x|%d|%d|%d|%d|%d|%d|%d|%s|%d" % (m.timestamp, m.channel, m.arbitration_id, m.is_extended_id,
                  m.is_remote_frame, m.is_error_frame, m.is_fd, m.bitrate_switch, m.error_state_indicator, m.dlc,
                  m.data.hex(), m.is_rx))
        """

    static func messages(_ path: String) throws -> [String] {
        let python = try #require(PythonOracle.find(importing: ["can"]))
        return try run(python, ["-c", dump, path]).split(separator: "\n").map(String.init)
    }

    /// What python-can should print for a frame of ours, as it reads the given format.
    static func line(_ frame: CANFrame, time: CANTimestamp, channel: String) -> String {
        let data = frame.kind == .remote || frame.kind == .error ? "" : frame.bytes.map { String(format: "%02x", $0) }.joined()
        let dlc = frame.kind == .error ? 0 : Int(frame.length)
        let stamp = String(format: "%.6f", Double(time.seconds) + Double(time.nanoseconds) / 1e9)
        let flags = [
            // python-can's Message defaults to an extended id, and ASC error frames carry none.
            frame.isExtended || frame.kind == .error, frame.kind == .remote, frame.kind == .error, frame.kind == .fd,
            frame.fdFlags.contains(.bitRateSwitch), frame.fdFlags.contains(.errorStateIndicator),
        ].map { $0 ? "1" : "0" }
        let id = frame.kind == .error ? "0" : String(frame.id, radix: 16)
        return "\(stamp)|\(channel)|\(id)|\(flags.joined(separator: "|"))|\(dlc)|\(data)|\(frame.direction == .transmit ? 0 : 1)"
    }

    @Test("python-can's ASCReader reads our ASC", .enabled(if: enabled, "no test venv (set CANDOR_VENV or run Tests/setup.sh)"))
    func readsOurASC() throws {
        let dir = try makeScratchDirectory("pycan")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = SampleFrames.all()
        let path = dir.appendingPathComponent("ours.asc").path
        try writeAll(frames, to: path)
        let got = try Self.messages(path)
        // python-can numbers channels from 0 (ASC channel 1 -> 0) and keeps relative times.
        let expected = frames.map { frame -> String in
            let relative = CANTimestamp(seconds: frame.timestamp.seconds - 1_700_000_000, nanoseconds: frame.timestamp.nanoseconds)
            return Self.line(frame, time: relative, channel: frame.bus == "can0" ? "0" : "1")
        }
        #expect(got.count == expected.count)
        for (g, e) in zip(got, expected) { #expect(g == e) }
    }

    @Test("python-can's CanutilsLogReader reads our candump log", .enabled(if: enabled, "no test venv (set CANDOR_VENV or run Tests/setup.sh)"))
    func readsOurLog() throws {
        let dir = try makeScratchDirectory("pycan-log")
        defer { try? FileManager.default.removeItem(at: dir) }
        // python-can 4.6 cannot read a raw DLC suffix and reads only bus-error error frames as
        // error frames, so those are left out here.
        let frames = SampleFrames.all().filter { $0.len8DLC == 0 && $0.kind != .error }
        let path = dir.appendingPathComponent("ours.log").path
        try writeAll(frames, to: path)
        let got = try Self.messages(path)
        let expected = frames.map { Self.line($0, time: $0.timestamp, channel: $0.bus) }
        #expect(got.count == expected.count)
        for (g, e) in zip(got, expected) { #expect(g == e) }
    }
}
