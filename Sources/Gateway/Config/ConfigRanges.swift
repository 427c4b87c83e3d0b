/// Every size, count and duration candor.yaml accepts, checked when the file is loaded (by
/// `candor run`, its reload and `replay --config` alike), so that no value can make the
/// daemon allocate without bound or emit without end. README's config reference lists them.
enum ConfigRanges {
    static let bitrate = 1_000...1_000_000
    static let dataBitrate = 1_000...16_000_000
    static let cycle = Span(100 * microsecond...3600 * second, "100us to 1h")
    static let counterModulus = 2...(1 << 32)
    static let timeoutFactor = 1.0...1000.0
    static let silentAfter = 1.0...10_000.0
    static let learnFrames = 2...100_000
    static let movingSpeed = 0.0...500.0
    static let idleEnd = Span(second...86_400 * second, "1s to 24h")
    static let minimumDistance = 0.0...10_000.0
    static let brakePressure = 0.0...1000.0
    static let windowCount = 1...8
    static let window = Span(100 * millisecond...86_400 * second, "100ms to 24h")
    static let fileBytes = 4096...(64 << 30)
    static let fileAge = Span(second...7 * 86_400 * second, "1s to 168h")
    static let retentionBytes = 0...(1 << 50)
    static let recorderQueue = 64...(1 << 20)
    static let tailClientBuffer = 16...65_536
    static let decodedLogQueueBytes = (64 << 10)...(1 << 30)
    static let liveQueue = 64...(1 << 20)
    static let receiveBatch = 1...1024
    static let reorder = Span(0...10 * second, "0 (off) to 10s")
    /// GB/T 32960: the cells and probes of one report, so that both bodies (2 B a cell, 1 B a
    /// probe) stay well under the frame's 65,531-byte data unit with the other bodies.
    static let cells = 1...20_000
    static let probes = 1...16_000
    /// GB/T 32960: storage subsystems of one vehicle (2025's 0x07/0x08 count at most 50; 2016's 250).
    static let storageSubsystems = 1...50
    /// Cells in series in a fuel-cell stack (hydrogen by Faraday's law).
    static let stackCells = 1...2_000

    static let microsecond: Int64 = 1000
    static let millisecond: Int64 = 1_000_000
    static let second: Int64 = 1_000_000_000

    /// A range of durations (nanoseconds) and how it reads in messages.
    struct Span {
        let nanoseconds: ClosedRange<Int64>
        let text: String
        init(_ nanoseconds: ClosedRange<Int64>, _ text: String) {
            self.nanoseconds = nanoseconds
            self.text = text
        }
    }
}

extension ConfigNode {
    /// An integer within `range`.
    func int(in range: ClosedRange<Int>, _ what: String) throws(ConfigError) -> Int {
        let n = try int(what)
        guard range.contains(n) else {
            throw error("expected \(what) from \(range.lowerBound) to \(range.upperBound), found \(n)")
        }
        return n
    }

    /// A number within `range`.
    func double(in range: ClosedRange<Double>, _ what: String) throws(ConfigError) -> Double {
        let x = try double(what)
        guard range.contains(x) else {
            throw error("expected \(what) from \(range.lowerBound) to \(range.upperBound), found \(x)")
        }
        return x
    }

    /// A duration within `span`.
    func duration(in span: ConfigRanges.Span) throws(ConfigError) -> Int64 {
        let ns = try duration()
        guard span.nanoseconds.contains(ns) else {
            throw error("expected a duration from \(span.text), found \(try text())")
        }
        return ns
    }
}
