import Telemetry

public enum LineProtocolFormat {
    /// Appends one record as one line-protocol line (ending in `\n`).
    public static func append(_ record: TelemetryRecord, to buffer: inout [UInt8]) {
        // Skeleton: filled in below.
    }
}
