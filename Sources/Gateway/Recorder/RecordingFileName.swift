import CANCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A recording's file name: `<prefix>-<UTC start of its first frame>-<sequence>.log[.gz]`,
/// e.g. `candor-20260312T140502.123456Z-000007.log`. Names sort in recording order (start
/// time, then the sequence number that breaks ties within one run), which is how retention
/// finds the oldest file and `candor tail --follow` finds the next one. The decoded-frame
/// log names its rotated files the same way with the extension `jsonl`.
public struct RecordingFileName: Sendable, Hashable, Comparable {
    public let prefix: String
    public let start: String
    public let sequence: Int
    public let gzip: Bool
    /// `log` for recordings, `jsonl` for rotated decoded-frame logs.
    public let fileExtension: String

    public init(prefix: String, start: CANTimestamp, sequence: Int, gzip: Bool, fileExtension: String = "log") {
        self.prefix = prefix
        self.start = Self.utcText(start)
        self.sequence = sequence
        self.gzip = gzip
        self.fileExtension = fileExtension
    }

    /// Parses a directory entry; nil when it is not a file with this prefix and extension.
    public init?(parsing name: String, prefix: String, fileExtension: String = "log") {
        guard name.hasPrefix(prefix + "-") else { return nil }
        var rest = Substring(name.dropFirst(prefix.count + 1))
        let plain = "." + fileExtension
        if rest.hasSuffix(plain + ".gz") { gzip = true; rest = rest.dropLast(plain.utf8.count + 3) }
        else if rest.hasSuffix(plain) { gzip = false; rest = rest.dropLast(plain.utf8.count) }
        else { return nil }
        self.fileExtension = fileExtension
        let parts = rest.split(separator: "-")
        guard parts.count == 2, parts[0].count == 23, parts[0].hasSuffix("Z"),
              parts[1].count == 6, let sequence = Int(parts[1]) else { return nil }
        self.prefix = prefix
        self.start = String(parts[0])
        self.sequence = sequence
    }

    /// Why `prefix` cannot name files inside one directory (nil when it can): it must be a
    /// plain name — not empty, no `/`, no `..`, no NUL — so every recording, and everything
    /// retention deletes, stays in the configured directory. `recorder.prefix` and
    /// `decoded_log.prefix` are both checked with this.
    public static func problem(withPrefix prefix: String) -> String? {
        if prefix.isEmpty { return "expected a file name prefix, found an empty one" }
        if prefix.contains("/") || prefix.contains("..") || prefix.utf8.contains(0) {
            return "expected a file name prefix without `/`, `..` or NUL, found \(prefix)"
        }
        return nil
    }

    public var text: String {
        let digits = String(sequence)
        return "\(prefix)-\(start)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits).\(fileExtension)\(gzip ? ".gz" : "")"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.start, lhs.sequence) < (rhs.start, rhs.sequence)
    }

    /// `YYYYMMDDTHHMMSS.ffffffZ` (23 characters).
    static func utcText(_ time: CANTimestamp) -> String {
        var seconds = time_t(time.seconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(Int(parts.tm_year) + 1900, 4) + pad(Int(parts.tm_mon) + 1, 2) + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + pad(Int(parts.tm_min), 2) + pad(Int(parts.tm_sec), 2)
            + "." + pad(Int(time.nanoseconds / 1000), 6) + "Z"
    }
}
