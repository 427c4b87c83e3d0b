/// Where one closed window's records sit among records emitted together: every record in
/// `range` is a window record (a signal's window, a message's or a bus's health) of `length`
/// nanoseconds, and every window record emitted is in exactly one run. Runs are in emission
/// order and do not overlap; what lies between them is episodes and operations figures.
public struct WindowRun: Sendable, Hashable {
    public var range: Range<Int>
    public var length: Int64

    public init(range: Range<Int>, length: Int64) {
        self.range = range
        self.length = length
    }
}

/// The records the aggregator emitted together (`TelemetryAggregator.takeEmitted()`), in
/// emission order, with their window runs.
///
/// A consumer that wants only the windows of some lengths — the uplink keeps the 60 s
/// windows, about one record in a hundred — skips the other runs without reading their
/// records: reading a record means copying it (Swift copies an enum to look at its case), and
/// copying the hour's 366,000 records to keep 2,500 was most of what picking them cost.
/// It is a collection of its records, so a consumer that wants them all reads it as one.
public struct EmittedRecords: Sendable, RandomAccessCollection {
    public var records: [TelemetryRecord]
    /// Nil when not known (records put together by hand): a consumer then looks at each one.
    public var windowRuns: [WindowRun]?

    public init(records: [TelemetryRecord], windowRuns: [WindowRun]?) {
        self.records = records
        self.windowRuns = windowRuns
    }

    public var startIndex: Int { records.startIndex }
    public var endIndex: Int { records.endIndex }
    public subscript(position: Int) -> TelemetryRecord { records[position] }
}
