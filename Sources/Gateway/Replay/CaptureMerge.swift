import CANCapture
import CANCore

/// Several captures read as one stream in timestamp order: a k-way merge that keeps one
/// frame of each capture in hand and always hands out the earliest (ties: the capture given
/// first). A capture may hold several buses; frames keep their own bus names.
///
/// A frame older than the previous frame of its own capture is counted in
/// `outOfOrderFrames` and handed out as it comes (the aggregator then treats it as a late
/// frame if its window has closed): replay never reorders within a capture and never stops.
public final class CaptureMerge {
    private let readers: [CaptureReader]
    private var heads: [CANFrame?]
    private var headTimes: [Int64]
    /// `heads[i] != nil`.
    private var live: [Bool]
    private var lastTimes: [Int64]
    /// Per capture, in the order given: frames older than their capture's previous frame.
    public private(set) var outOfOrderFrames: [Int]
    /// Per capture: frames handed out.
    public private(set) var framesRead: [Int]

    /// Capture names as given (for reports).
    public var names: [String] { readers.map(\.name) }

    public init(_ readers: [CaptureReader]) throws(CaptureError) {
        precondition(!readers.isEmpty, "nothing to merge")
        self.readers = readers
        heads = []
        headTimes = []
        live = []
        lastTimes = [Int64](repeating: .min, count: readers.count)
        outOfOrderFrames = [Int](repeating: 0, count: readers.count)
        framesRead = [Int](repeating: 0, count: readers.count)
        for reader in readers {
            let frame = try reader.next()
            heads.append(frame)
            headTimes.append(frame?.timestamp.totalNanoseconds ?? .max)
            live.append(frame != nil)
        }
    }

    /// Opens each path (`-` for standard input); `format` nil detects each capture's own.
    public convenience init(paths: [String], format: CaptureFormat? = nil, strict: Bool = false) throws(CaptureError) {
        var readers: [CaptureReader] = []
        for path in paths { readers.append(try CaptureReader(path: path, format: format, strict: strict)) }
        try self.init(readers)
    }

    /// The earliest frame not yet handed out, or nil when every capture is done.
    public func next() throws(CaptureError) -> CANFrame? {
        // The choice looks only at `live` and `headTimes` (plain values); the frame itself
        // is copied once, when it is returned.
        var best = -1
        var bestTime = Int64.max
        for i in live.indices where live[i] && (best < 0 || headTimes[i] < bestTime) {
            best = i
            bestTime = headTimes[i]
        }
        guard best >= 0, let frame = heads[best] else { return nil }
        if bestTime < lastTimes[best] {
            outOfOrderFrames[best] += 1
        } else {
            lastTimes[best] = bestTime
        }
        framesRead[best] += 1
        let following = try readers[best].next()
        live[best] = following != nil
        headTimes[best] = following?.timestamp.totalNanoseconds ?? .max
        heads[best] = following
        return frame
    }

    /// Malformed lines skipped so far, per capture.
    public var malformedLines: [Int] { readers.map { $0.statistics.malformedLines } }
    /// Per capture: what its reader skipped, bent and saw dropped (`CaptureStatistics.notes`).
    public var statistics: [CaptureStatistics] { readers.map(\.statistics) }
}
