import Foundation
import TestSupport
import Testing

/// `candor gbt32960 decode`: hex lines, raw bytes and a pcap TCP session written by
/// Wireshark's text2pcap (an independent producer of the Ethernet/IPv4/TCP framing).
@Suite struct GBT32960DecodeTests {
    static let heartbeat = "232307FE4838323230363530303030303030303030010000BB"
    static let login = "232301fe483356323142413239535a30303331303901001e1a070706370f000238393836303632343430303031343331303936340100e4"
    static let logout = "232304fe483356323142413230535a3030333935330100081a0707063711000ae9"

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("candor-gbt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func hexLinesWithCommentsAndABadChecksum() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let broken = String(Self.logout.dropLast(2)) + "00"
        let file = dir.appendingPathComponent("frames.hex")
        try "# a session\n\(Self.login)\n\n\(Self.heartbeat) \(Self.logout)  # two on one line\n\(broken)\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try CandorExecutable.located().run(["gbt32960", "decode", file.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let out = try objects(run.stdout)
        try #require(out.count == 4)
        #expect(out.map { $0["command"] as? String } == ["login", "heartbeat", "logout", "logout"])
        #expect(out.map { $0["line"] as? Int } == [2, 4, 4, 5])
        #expect(out.map { $0["bcc"] as? String } == ["ok", "ok", "ok", "mismatch"])
        let login = try #require(out[0]["login"] as? [String: Any])
        #expect(login["iccid"] as? String == "89860624400014310964")
        #expect(out[0]["vin"] as? String == "H3V21BA29SZ003109")
        #expect(out[0]["time"] as? String == "2026-07-07T06:55:15+08:00")
        #expect(out[0]["edition"] as? String == "2016")
    }

    @Test func badHexIsAnInputErrorWithItsLine() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.hex")
        try "\(Self.heartbeat)\n\(Self.logout.dropLast(4))\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try CandorExecutable.located().run(["gbt32960", "decode", file.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("bad.hex:2:"), "stderr: \(run.stderr)")
    }

    @Test func rawBytesWithGarbageFromStdin() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("session.bin")
        var bytes = Data([0x00, 0x23, 0x41])
        for frame in [Self.login, Self.heartbeat, Self.logout] { bytes += hexData(frame) }
        try bytes.write(to: file)
        let run = try CandorExecutable.located().run(["gbt32960", "decode", "-"], stdin: file)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let out = try objects(run.stdout)
        #expect(out.map { $0["offset"] as? Int } == [3, 3 + 55, 3 + 55 + 25])
        #expect(run.stderr.contains("skipped 3 byte(s)"))
    }

    @Test(.enabled(if: OracleTool.shouldRun("text2pcap"), "text2pcap not installed (apt package `wireshark-common`, with tshark)"))
    func tcpSessionInAPcapFromText2pcap() throws {
        let text2pcap = try OracleTool.require("text2pcap")
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Two segments: the login and half the heartbeat, then the rest of it and the logout.
        let stream = hexData(Self.login + Self.heartbeat + Self.logout)
        let cut = 55 + 10
        func dump(_ d: Data) -> String {
            stride(from: 0, to: d.count, by: 16).map { offset in
                String(format: "%06x ", offset) + d[d.startIndex + offset..<d.startIndex + min(offset + 16, d.count)].map { String(format: " %02x", $0) }.joined()
            }.joined(separator: "\n") + "\n"
        }
        let text = dir.appendingPathComponent("session.txt")
        try (dump(stream.prefix(cut)) + dump(stream.dropFirst(cut))).write(to: text, atomically: true, encoding: .utf8)
        let pcap = dir.appendingPathComponent("session.pcapng")
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: text2pcap)
        tool.arguments = ["-q", "-4", "127.0.0.1,127.0.0.2", "-T", "40000,32960", text.path, pcap.path]
        try tool.run()
        let deadline = ProcessDeadline(tool, seconds: 60)
        tool.waitUntilExit()
        try deadline.check()
        #expect(tool.terminationStatus == 0)
        let run = try CandorExecutable.located().run(["gbt32960", "decode", pcap.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let out = try objects(run.stdout)
        #expect(out.map { $0["command"] as? String } == ["login", "heartbeat", "logout"])
        #expect(out.map { $0["packet"] as? Int } == [1, 2, 2])
        #expect(out.allSatisfy { $0["flow"] as? String == "127.0.0.1:40000 -> 127.0.0.2:32960" && $0["bcc"] as? String == "ok" })
    }

    func hexData(_ text: String) -> Data {
        var data = Data()
        var i = text.startIndex
        while i < text.endIndex {
            let j = text.index(i, offsetBy: 2)
            data.append(UInt8(text[i..<j], radix: 16)!)
            i = j
        }
        return data
    }
}
