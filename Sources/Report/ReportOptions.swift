import Gateway
import Plot
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// What `candor report` writes, chosen from the output path's extension.
public enum ReportFormat: String, Sendable, CaseIterable {
    case html, markdown, csv

    /// `.html`/`.htm`, `.md`/`.markdown`, `.csv`; `-` (stdout) is Markdown.
    public static func of(path: String) -> ReportFormat? {
        if path == "-" { return .markdown }
        let lower = path.lowercased()
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { return .html }
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { return .markdown }
        if lower.hasSuffix(".csv") { return .csv }
        return nil
    }

    public func render(_ model: ReportModel) -> String {
        switch self {
        case .html: return HTMLReport.render(model)
        case .markdown: return MarkdownReport.render(model)
        case .csv: return CSVReport.render(model)
        }
    }
}

/// A bad `--from`/`--to` value or an unwritable output.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum ReportDates {
    /// Nanoseconds since the epoch of a UTC date `YYYY-MM-DD` or time `YYYY-MM-DDTHH:MM[:SS]`
    /// (a space instead of `T` works too). With `endOfDay`, a bare date means the end of
    /// that day (the next midnight): `--to 2026-01-31` includes the 31st.
    public static func parse(_ text: String, endOfDay: Bool = false) throws(ReportError) -> Int64 {
        let bad = ReportError(message: "'\(text)' is not a UTC date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM[:SS])")
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " }).map(String.init)
        guard parts.count == 1 || parts.count == 2 else { throw bad }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard date.count == 3, let y = date[0], let m = date[1], let d = date[2], parts[0].count == 10,
              (1...12).contains(m), (1...31).contains(d) else { throw bad }
        var seconds = UTCTime.days(year: y, month: m, day: d) * 86_400
        guard UTCTime(seconds: Double(seconds)).day == d else { throw bad }  // 2026-02-30
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard clock.count == 2 || clock.count == 3, clock.allSatisfy({ $0 != nil }) else { throw bad }
            let h = clock[0]!, mi = clock[1]!, s = clock.count == 3 ? clock[2]! : 0
            guard (0...23).contains(h), (0...59).contains(mi), (0...59).contains(s) else { throw bad }
            seconds += Int64(h * 3600 + mi * 60 + s)
        } else if endOfDay {
            seconds += 86_400
        }
        return seconds * 1_000_000_000
    }
}

public enum ReportFile {
    /// Writes `text` to `path` through a temporary file in the same directory and a rename,
    /// so a reader never sees half a report.
    public static func write(_ text: String, to path: String) throws(ReportError) {
        let temporary = path + ".tmp-\(getpid())"
        do throws(SystemError) { try FileDescriptor.write(Array(text.utf8), toNewFile: temporary) } catch {
            if error.call == "open" { throw ReportError(message: "cannot create \(temporary): \(error.reason)") }
            throw ReportError(message: "cannot write \(path): \(error.call == "close" ? "close failed" : error.reason)\(removing(temporary))")
        }
        do { try Syscall.rename(temporary, to: path) } catch {
            throw ReportError(message: "cannot rename \(temporary) to \(path): \(error.reason)" + removing(temporary))
        }
    }

    /// Removes a temporary file after a failure: nothing, or why it stays (after the error it follows).
    private static func removing(_ temporary: String) -> String {
        do throws(SystemError) { try Syscall.unlinkIfPresent(temporary) } catch { return "; \(temporary) left behind: \(error.reason)" }
        return ""
    }
}
