import Foundation
import TestSupport
import Testing

/// Systemd/candor.service passes `systemd-analyze verify` with no diagnostics at all (unknown
/// keys are only warnings there, so the test requires empty output, not just exit status 0),
/// and Systemd/80-can.network uses only keys systemd-networkd knows for a CAN link.
/// Needs the `systemd` apt package (Tests/setup.sh); skipped with a message when absent,
/// a failure under Tests/run.sh (`OracleTool`).
@Suite struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    @Test(.enabled(if: OracleTool.shouldRun("systemd-analyze"), "systemd-analyze not installed (apt package `systemd`); unit not verified"))
    func unitVerifiesCleanly() throws {
        let unit = try String(contentsOfFile: Self.repository + "/Systemd/candor.service", encoding: .utf8)
        #expect(unit.contains("/usr/bin/candor run"))
        // verify checks that ExecStart's binary exists; point it at one that does.
        let directory = try TemporaryDirectory.make("systemd")
        let path = directory + "/candor.service"
        try TestFile.write(unit.replacingOccurrences(of: "/usr/bin/candor", with: "/bin/true"), to: path)
        let (status, output) = try Self.run(try OracleTool.require("systemd-analyze"), ["verify", path])
        print("systemd-analyze verify: status \(status), output: \(output.isEmpty ? "(none)" : output)")
        #expect(status == 0)
        #expect(output.isEmpty)
    }

    @Test(.enabled(if: OracleTool.shouldRun("systemd-analyze"), "systemd-analyze not installed (apt package `systemd`)"))
    func verifyReportsAnUnknownKey() throws {
        // The oracle itself: a misspelt option must be reported, or the test above proves nothing.
        let directory = try TemporaryDirectory.make("systemd-bad")
        let path = directory + "/candor.service"
        try TestFile.write("[Unit]\nDescription=x\n[Service]\nType=notify\nExecStart=/bin/true\nWatchdogSecs=5\n", to: path)
        let (_, output) = try Self.run(try OracleTool.require("systemd-analyze"), ["verify", path])
        #expect(output.contains("WatchdogSecs"))
    }

    /// The sandbox score: `systemd-analyze security --offline=yes` on the shipped unit stays at
    /// or below 1.7 ("OK"); with IP limited to localhost and `PrivateUsers=yes` it is 1.4.
    @Test(.enabled(if: OracleTool.shouldRun("systemd-analyze"), "systemd-analyze not installed (apt package `systemd`)"))
    func securityExposureStaysAtMostOnePointSeven() throws {
        let unit = try String(contentsOfFile: Self.repository + "/Systemd/candor.service", encoding: .utf8)
        let directory = try TemporaryDirectory.make("systemd-security")
        let path = directory + "/candor.service"
        try TestFile.write(unit.replacingOccurrences(of: "/usr/bin/candor", with: "/bin/true"), to: path)
        let (status, output) = try Self.run(try OracleTool.require("systemd-analyze"), ["security", "--offline=yes", "--no-pager", path])
        let summary = output.split(separator: "\n").last { $0.contains("Overall exposure level") }.map(String.init) ?? ""
        print("systemd-analyze security: \(summary)")
        #expect(status == 0)
        let score = summary.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score != nil && score! <= 1.7, "\(summary)")
        let settings = Set(unit.split(separator: "\n").map(String.init))
        #expect(settings.contains("IPAddressDeny=any") && settings.contains("IPAddressAllow=localhost"))
    }

    @Test func unitHasTheRequiredSettings() throws {
        let unit = try String(contentsOfFile: Self.repository + "/Systemd/candor.service", encoding: .utf8)
        let settings = Set(unit.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init))
        for required in [
            "Type=notify", "Restart=on-failure", "DynamicUser=yes", "ProtectSystem=strict",
            "RestrictAddressFamilies=AF_CAN AF_NETLINK AF_UNIX AF_INET AF_INET6", "CapabilityBoundingSet=",
            "NoNewPrivileges=yes", "PrivateUsers=yes",
        ] {
            #expect(settings.contains(required), "missing \(required)")
        }
        #expect(settings.contains { $0.hasPrefix("WatchdogSec=") })
        #expect(settings.contains { $0.hasPrefix("StateDirectory=") })
    }

    @Test func networkFileUsesKnownCANKeys() throws {
        let text = try String(contentsOfFile: Self.repository + "/Systemd/80-can.network", encoding: .utf8)
        let known: [String: Set<String>] = [
            "Match": ["Name", "Type", "Driver", "Path"],
            "CAN": ["BitRate", "SamplePoint", "DataBitRate", "DataSamplePoint", "RestartSec", "FDMode",
                    "ListenOnly", "Termination", "TripleSampling", "BusErrorReporting"],
        ]
        var section = ""
        var seen: [String: String] = [:]
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") { section = String(line.dropFirst().dropLast()); continue }
            let key = String(line.prefix { $0 != "=" })
            #expect(known[section]?.contains(key) == true, "[\(section)] \(key) is not a systemd-networkd CAN key")
            seen[key] = String(line.drop { $0 != "=" }.dropFirst())
        }
        #expect(seen["BitRate"] == "500000")
        #expect(seen["RestartSec"] != nil)
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let (status, output) = try ProcessDeadline.run(executable, arguments, seconds: 120)
        return (status, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
