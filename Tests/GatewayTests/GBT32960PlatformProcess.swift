import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The asyncio test platform (Tests/GBT32960Platform/platform.py) as a child process on a free
/// loopback port, with what it recorded.
final class GBT32960PlatformProcess {
    let directory: String
    let port: Int
    private let script: LoopbackScript
    var recordPath: String { directory + "/platform.jsonl" }

    /// One recorded line.
    struct Entry {
        var event: String
        var conn: Int
        var command: Int?
        var flag: Int?
        var time: Int64?
        var accepted: Bool
        var hex: String?
        /// `tls`: the client certificate's common name and the TLS version; `tls_error`: why the
        /// handshake failed.
        var client: String?
        var version: String?
        var error: String?
        /// When the platform recorded it (Unix seconds, wall clock).
        var wall: Double?
        var bytes: [UInt8] {
            guard let hex else { return [] }
            var out: [UInt8] = []
            var i = hex.startIndex
            while i < hex.endIndex {
                let j = hex.index(i, offsetBy: 2)
                out.append(UInt8(hex[i..<j], radix: 16)!)
                i = j
            }
            return out
        }
    }

    /// Starts the platform with `arguments` (see the script's help); returns once it listens.
    init(python: String, directory: String, arguments: [String] = [], seconds: Double = 300) throws {
        self.directory = directory
        script = try LoopbackScript(python: python, script: "Tests/GBT32960Platform/platform.py",
                                    arguments: ["--record", directory + "/platform.jsonl"] + arguments, seconds: seconds)
        port = script.port
    }

    /// SIGTERM, then waits (the deadline kills it if it hangs).
    func stop() throws { try script.stop() }

    func entries() throws -> [Entry] {
        let text = try String(contentsOfFile: recordPath, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { throw TestFailure("bad record line \(line)") }
            return Entry(event: o["event"] as? String ?? "", conn: o["conn"] as? Int ?? 0, command: o["command"] as? Int,
                         flag: o["flag"] as? Int, time: (o["time"] as? NSNumber)?.int64Value,
                         accepted: o["accepted"] as? Bool ?? false, hex: o["hex"] as? String,
                         client: o["client"] as? String, version: o["version"] as? String, error: o["error"] as? String,
                         wall: o["wall"] as? Double)
        }
    }

    /// `uplink.gbt32960` pointing at this platform (2016 edition), to append to a bundle's config;
    /// `tls` is the `tls:` value (a flow map), `host` what the platform is called.
    func uplinkSection(state: String, vin: String = "LTEST000000032960", iccid: String = "89860000000000032960",
                       period: String = "10s", heartbeat: String = "30s", edition: String = "2016",
                       host: String = "127.0.0.1", tls: String? = nil) -> String {
        """

        uplink:
          gbt32960:
            server: \(host):\(port)\(tls.map { "\n    tls: " + $0 } ?? "")
            edition: \(edition)
            vin: \(vin)
            iccid: "\(iccid)"
            period: \(period)
            heartbeat: \(heartbeat)
            state_directory: \(state)

        """
    }

    /// The frames the terminal sent that the platform accepted.
    func acceptedFrames() throws -> [Entry] { try entries().filter { $0.event == "frame" && $0.accepted } }
}
