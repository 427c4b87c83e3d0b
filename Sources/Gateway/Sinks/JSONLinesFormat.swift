import Telemetry

public enum JSONLinesFormat {
    /// Appends one record as one JSON line (ending in `\n`).
    public static func append(_ record: TelemetryRecord, to buffer: inout [UInt8]) {
        // Skeleton: filled in below.
        buffer.append(contentsOf: "{}\n".utf8)
    }
}
