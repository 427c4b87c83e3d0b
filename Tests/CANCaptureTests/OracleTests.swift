import CANCore
import Foundation
import Testing
@testable import CANCapture

/// Independent tools read what we write, and we read what they write.
@Suite("oracles: tshark and can-utils")
struct OracleTests {
    static let tshark = findTool("tshark")
    static let log2asc = findTool("log2asc")
    static let asc2log = findTool("asc2log")

    /// One packet as tshark dissects it.
    struct Dissected: Equatable, CustomStringConvertible {
        var interface: String
        var time: String
        var id: UInt32?
        var extended: Bool
        var remote: Bool
        var error: Bool
        var brs: Bool
        var esi: Bool
        var length: Int
        var data: String
        var errorClasses: UInt32
        var description: String {
            "[\(interface) \(time) id=\(id.map { String($0, radix: 16) } ?? "-") x=\(extended) r=\(remote) e=\(error) brs=\(brs) esi=\(esi) len=\(length) \(data) cls=\(String(errorClasses, radix: 16))]"
        }
    }

    static let errorClassFields = [
        "can.err.tx_timeout", "can.err.lostarb", "can.err.ctrl", "can.err.prot", "can.err.trx",
        "can.err.ack", "can.err.busoff", "can.err.buserror", "can.err.restarted",
    ]

    static func dissect(_ path: String) throws -> [Dissected] {
        let fields = [
            "frame.interface_name", "frame.time_epoch", "can.id", "can.flags.xtd", "can.flags.rtr", "can.flags.err",
            "canfd.flags.brs", "canfd.flags.esi", "can.len", "data.data",
        ] + errorClassFields
        let output = try run(Self.tshark!, ["-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
            + fields.flatMap { ["-e", $0] })
        func flag(_ s: Substring) -> Bool { s == "1" || s.lowercased() == "true" }
        return output.split(separator: "\n").map { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false)
            var classes: UInt32 = 0
            for (bit, column) in c[10...].enumerated() where flag(column) { classes |= 1 << UInt32(bit) }
            return Dissected(
                interface: String(c[0]), time: String(c[1]), id: UInt32(c[2]), extended: flag(c[3]), remote: flag(c[4]),
                error: flag(c[5]), brs: flag(c[6]), esi: flag(c[7]), length: Int(c[8]) ?? -1,
                data: String(c[9]).replacingOccurrences(of: ":", with: ""), errorClasses: classes)
        }
    }

    /// What tshark should show for a frame we wrote.
    static func expected(_ frame: CANFrame, interface: String) -> Dissected {
        var data = frame.kind == .remote || frame.kind == .error ? "" : frame.bytes.map { String(format: "%02x", $0) }.joined()
        if frame.kind == .remote { data = String(repeating: "00", count: Int(frame.length)) }
        let nanos = String(format: "%09d", frame.timestamp.nanoseconds)
        return Dissected(
            interface: interface, time: "\(frame.timestamp.seconds).\(nanos)",
            id: frame.kind == .error ? nil : frame.id, extended: frame.kind != .error && frame.isExtended,
            remote: frame.kind == .remote, error: frame.kind == .error,
            brs: frame.fdFlags.contains(.bitRateSwitch), esi: frame.fdFlags.contains(.errorStateIndicator),
            length: Int(frame.length), data: data,
            // tshark 4.0 has fields for the nine classes 0x001...0x100, not for CAN_ERR_CNT.
            errorClasses: frame.kind == .error ? frame.id & 0x1FF : 0)
    }

    static func oracleFrames() -> [CANFrame] {
        var frames = SampleFrames.all()
        // A frame with BRS only and no FDF bit, as older candump logs write `##1`.
        frames.append(CANFrame(
            timestamp: CANTimestamp(seconds: 1_700_000_001, nanoseconds: 500_000_000), bus: "can1", id: 0x10,
            kind: .fd, fdFlags: [.bitRateSwitch], length: 16, data: CANPayload((0..<16).map { UInt8($0) })))
        frames.append(CANFrame(
            timestamp: CANTimestamp(seconds: 1_700_000_002, nanoseconds: 0), bus: "can0",
            id: CANErrorClass([.busOff, .restarted]).rawValue, kind: .error, length: 8, data: CANPayload()))
        return frames
    }

    @Test("tshark reads our pcap and pcapng: ids, flags, lengths, bytes, times, interfaces",
          .enabled(if: tshark != nil, "tshark is not installed (apt-get install tshark)"),
          arguments: ["pcap", "pcapng"])
    func tsharkReadsOurFiles(format: String) throws {
        let dir = try makeScratchDirectory("tshark")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = Self.oracleFrames()
        let path = dir.appendingPathComponent("ours.\(format)").path
        try writeAll(frames, to: path)
        let dissected = try Self.dissect(path)
        let expected = frames.map { Self.expected($0, interface: format == "pcapng" ? $0.bus : "") }
        #expect(dissected.count == expected.count)
        for (got, want) in zip(dissected, expected) {
            #expect(got == want)
        }
    }

    @Test("can-utils log2asc reads our candump log; we read its ASC back to the same frames",
          .enabled(if: log2asc != nil, "can-utils is not installed (apt-get install can-utils)"),
          arguments: [false, true])
    func log2ascReadsOurLog(allCANFD: Bool) throws {
        let dir = try makeScratchDirectory("log2asc")
        defer { try? FileManager.default.removeItem(at: dir) }
        var frames = Self.oracleFrames()
        // log2asc turns error frames into data frames on CANFD lines, and writes Rx for every
        // frame without a direction.
        if allCANFD { frames.removeAll { $0.kind == .error } }
        let log = dir.appendingPathComponent("ours.log").path
        let asc = dir.appendingPathComponent("theirs.asc").path
        try writeAll(frames, to: log)
        try run(Self.log2asc!, ["-I", log, "-O", asc] + (allCANFD ? ["-f"] : []) + ["can0", "can1"])
        let back = try readAll(path: asc)
        let start = frames[0].timestamp.totalNanoseconds
        let expected = frames.map { frame -> CANFrame in
            var f = ASCTests.ascView(frame, channel: ["can0": "1", "can1": "2"], start: 0)
            f.timestamp = CANTimestamp(totalNanoseconds: frame.timestamp.totalNanoseconds - start, fractionDigits: 6)
            return f
        }
        #expect(back.count == expected.count)
        for (got, want) in zip(back, expected) {
            #expect(got == want)
        }
    }

    @Test("can-utils asc2log reads our ASC; we read its candump log back to the same frames",
          .enabled(if: asc2log != nil, "can-utils is not installed (apt-get install can-utils)"))
    func asc2logReadsOurASC() throws {
        let dir = try makeScratchDirectory("asc2log")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = Self.oracleFrames()
        let asc = dir.appendingPathComponent("ours.asc").path
        let log = dir.appendingPathComponent("theirs.log").path
        try writeAll(frames, to: asc)
        try run(Self.asc2log!, ["-I", asc, "-O", log])
        let back = try readAll(path: log)
        #expect(back.count == frames.count)
        // asc2log takes the start time from the clock, so compare times relative to the first frame.
        let theirStart = back.first?.timestamp.totalNanoseconds ?? 0
        let ourStart = frames[0].timestamp.totalNanoseconds
        for (got, frame) in zip(back, frames) {
            var want = normalized(frame, keepFDF: false, keepRawDLC: false)
            if want.direction == nil { want.direction = .receive }
            if want.kind == .error {
                // ASC error frames carry no details; asc2log reports them as bus errors.
                want = CANFrame(bus: want.bus, id: CANErrorClass.busError.rawValue, kind: .error, length: 8)
            }
            var have = got
            have.timestamp = CANTimestamp(totalNanoseconds: got.timestamp.totalNanoseconds - theirStart)
            want.timestamp = CANTimestamp(totalNanoseconds: frame.timestamp.totalNanoseconds - ourStart)
            if want.kind == .error { have.direction = nil; want.timestamp = have.timestamp }
            #expect(have == want)
        }
    }
}

/// Wireshark's own writers (editcap, mergecap) produce pcap and pcapng that we read.
@Suite("oracle: Wireshark's writers")
struct WiresharkWriterTests {
    static let editcap = findTool("editcap")
    static let mergecap = findTool("mergecap")

    @Test("editcap rewrites our pcapng as pcapng, nanosecond pcap and pcap; we read each back",
          .enabled(if: editcap != nil, "editcap is not installed (apt-get install tshark)"),
          arguments: [("pcapng", false), ("nsecpcap", true), ("pcap", true)])
    func editcapFormats(format: String, loosesNames: Bool) throws {
        let dir = try makeScratchDirectory("editcap")
        defer { try? FileManager.default.removeItem(at: dir) }
        var frames = OracleTests.oracleFrames()
        // 9 fractional digits on every frame, so nanosecond formats keep them all.
        frames = frames.enumerated().map { i, f in
            var frame = f
            frame.timestamp = CANTimestamp(seconds: f.timestamp.seconds, nanoseconds: f.timestamp.nanoseconds + UInt32(i), fractionDigits: 9)
            return frame
        }
        let ours = dir.appendingPathComponent("ours.pcapng").path
        let theirs = dir.appendingPathComponent("theirs.\(format == "pcapng" ? "pcapng" : "pcap")").path
        try writeAll(frames, to: ours)
        try run(Self.editcap!, ["-F", format, ours, theirs])
        let back = try readAll(path: theirs, strict: true)
        var expected = frames.map { pcapView($0, bus: loosesNames ? "can0" : nil) }
        if format == "pcap" {
            // Microsecond pcap: the nanoseconds are cut to microseconds.
            expected = expected.map { f in
                var frame = f
                frame.timestamp = CANTimestamp(seconds: f.timestamp.seconds, nanoseconds: f.timestamp.nanoseconds / 1000 * 1000)
                return frame
            }
        }
        #expect(back == expected)
    }

    @Test("mergecap joins two of our files by time into one pcapng with both interfaces",
          .enabled(if: mergecap != nil, "mergecap is not installed (apt-get install tshark)"))
    func mergecapInterfaces() throws {
        let dir = try makeScratchDirectory("mergecap")
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = OracleTests.oracleFrames().sorted { $0.timestamp < $1.timestamp }
        let a = dir.appendingPathComponent("a.pcapng").path
        let b = dir.appendingPathComponent("b.pcapng").path
        let merged = dir.appendingPathComponent("merged.pcapng").path
        try writeAll(frames.filter { $0.bus == "can0" }, to: a)
        try writeAll(frames.filter { $0.bus != "can0" }, to: b)
        try run(Self.mergecap!, ["-w", merged, a, b])
        let back = try readAll(path: merged, strict: true)
        #expect(back == frames.map { pcapView($0) })
    }
}
