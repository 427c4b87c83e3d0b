#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// candor's logger: a label, a minimum level, a line format and one output. Small on
/// purpose (no swift-log dependency, see the report): the daemon has one log sink, stderr,
/// which systemd connects to the journal. Libraries take a GatewayLog value; only the
/// executable makes one.
///
///     let log = GatewayLog(label: "recorder", format: .detect(environment: env))
///     log.warning("queue full, frames dropped", ["dropped": "12"])
public struct GatewayLog: Sendable {
    public let label: String
    public let minimum: LogLevel
    public let format: LogLineFormat
    private let output: @Sendable (String) -> Void
    private let clock: @Sendable () -> (Int, Int)

    /// Writes to `output` (standard error by default) with the wall clock.
    public init(
        label: String, minimum: LogLevel = .info, format: LogLineFormat,
        output: (@Sendable (String) -> Void)? = nil, clock: (@Sendable () -> (Int, Int))? = nil
    ) {
        self.label = label
        self.minimum = minimum
        self.format = format
        self.output = output ?? Self.standardError
        self.clock = clock ?? Self.wallClock
    }

    /// The same logger under another label (one per service).
    public func labelled(_ label: String) -> GatewayLog {
        GatewayLog(label: label, minimum: minimum, format: format, output: output, clock: clock)
    }

    public func log(_ level: LogLevel, _ message: String, _ metadata: KeyValuePairs<String, String> = [:]) {
        guard level >= minimum else { return }
        output(format.line(level: level, label: label, message: message, metadata: metadata.map { ($0.key, $0.value) }, time: clock()))
    }

    public func debug(_ m: String, _ md: KeyValuePairs<String, String> = [:]) { log(.debug, m, md) }
    public func info(_ m: String, _ md: KeyValuePairs<String, String> = [:]) { log(.info, m, md) }
    public func notice(_ m: String, _ md: KeyValuePairs<String, String> = [:]) { log(.notice, m, md) }
    public func warning(_ m: String, _ md: KeyValuePairs<String, String> = [:]) { log(.warning, m, md) }
    public func error(_ m: String, _ md: KeyValuePairs<String, String> = [:]) { log(.error, m, md) }
    public func critical(_ m: String, _ md: KeyValuePairs<String, String> = [:]) { log(.critical, m, md) }

    /// One write(2) per line, so lines from several threads never interleave.
    @Sendable static func standardError(_ line: String) {
        writeLine(line, to: 2)
    }

    @Sendable static func wallClock() -> (Int, Int) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return (Int(now.tv_sec), Int(now.tv_nsec) / 1_000_000)
    }
}
