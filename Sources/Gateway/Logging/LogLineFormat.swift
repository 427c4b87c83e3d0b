#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How a log line looks. Under systemd (`$JOURNAL_STREAM` set, stderr connected to the
/// journal) the line starts with the `<N>` priority the journal strips and stores, and has
/// no timestamp (the journal adds its own). Elsewhere (a terminal, a file) the line is plain
/// and readable, with a UTC time.
///
///     journal:  <4>recorder: queue full, frames dropped dropped=12
///     terminal: 2026-03-12T14:05:02.123Z warning recorder: queue full, frames dropped dropped=12
public enum LogLineFormat: Sendable, Equatable {
    case journal
    case terminal

    /// `.journal` when `JOURNAL_STREAM` names the device and inode of `descriptor` (as
    /// systemd documents; a child that inherited the variable but writes elsewhere gets
    /// plain lines), else `.terminal`.
    public static func detect(environment: [String: String], descriptor: Int32 = 2) -> LogLineFormat {
        guard let stream = environment["JOURNAL_STREAM"] else { return .terminal }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return .terminal }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .terminal }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode ? .journal : .terminal
    }

    /// One line, newline-terminated. `time` is (seconds, milliseconds) since the epoch, UTC.
    public func line(
        level: LogLevel, label: String, message: String, metadata: [(String, String)], time: (Int, Int)
    ) -> String {
        var text: String
        switch self {
        case .journal:
            text = "<\(level.rawValue)>\(label): "
        case .terminal:
            text = Self.utc(time) + " " + level.name + " \(label): "
        }
        text += message.map { $0 == "\n" ? " " : $0 }.reduce(into: "") { $0.append($1) }
        for (key, value) in metadata {
            text += " \(key)=" + (value.contains(" ") ? "\"\(value)\"" : value)
        }
        return text + "\n"
    }

    static func utc(_ time: (Int, Int)) -> String {
        var seconds = time_t(time.0)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(time.1), 3))Z"
    }
}
