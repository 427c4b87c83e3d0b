import Foundation
import Testing

/// Finds the external programs tests compare with (tshark, editcap, log2asc, sqlite3,
/// systemd-analyze, …), with the same rule as `PythonOracle`: outside the suite a missing
/// tool skips its test with a message; under `Tests/run.sh` (`CANDOR_VENV` set) every oracle
/// is required, so a missing one is a test failure, never a silent pass.
///
///     @Test(.enabled(if: OracleTool.shouldRun("tshark"), "tshark is not installed"))
///     func readsOurPcap() throws {
///         let tshark = try OracleTool.require("tshark")
public enum OracleTool {
    /// Whether every oracle must be present: the suite sets `CANDOR_VENV`.
    public static var isRequired: Bool {
        !(ProcessInfo.processInfo.environment["CANDOR_VENV"] ?? "").isEmpty
    }

    /// The executable `name` on `PATH` (then /usr/sbin, /usr/bin, /sbin, /bin), or nil.
    public static func path(_ name: String) -> String? {
        let searched = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        for dir in searched where !dir.isEmpty {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// For `.enabled(if:)`: the tool is there, or it is required (the test then runs and
    /// `require` fails it).
    public static func shouldRun(_ name: String) -> Bool {
        path(name) != nil || isRequired
    }

    /// The tool's path; throws `Missing` (a test failure) when it is not installed.
    public static func require(_ name: String) throws -> String {
        guard let found = path(name) else { throw Missing(name: name) }
        return found
    }

    /// An oracle that the suite requires is not installed.
    public struct Missing: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "oracle `\(name)` is not installed (Tests/setup.sh installs it; CANDOR_VENV is set, so it is required)"
        }
    }
}
