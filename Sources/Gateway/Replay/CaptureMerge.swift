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
    /// Everything `next()` changes, in one value: the whole call is one access to it, not one
    /// dynamically checked access (and uniqueness check) per array per frame.
    private var state: MergeState
    /// Per capture, in the order given: frames older than their capture's previous frame.
    public var outOfOrderFrames: [Int] { state.outOfOrderFrames }
    /// Per capture: frames handed out.
    public var framesRead: [Int] { state.framesRead }

    /// Capture names as given (for reports).
    public var names: [String] { readers.map(\.name) }

    public init(_ readers: [CaptureReader]) throws(CaptureError) {
        precondition(!readers.isEmpty, "nothing to merge")
        self.readers = readers
        var heads: [CANFrame?] = []
        for reader in readers { heads.append(try reader.next()) }
        state = MergeState(heads: heads)
    }

    /// Opens each path (`-` for standard input); `format` nil detects each capture's own.
    public convenience init(paths: [String], format: CaptureFormat? = nil, strict: Bool = false) throws(CaptureError) {
        var readers: [CaptureReader] = []
        for path in paths { readers.append(try CaptureReader(path: path, format: format, strict: strict)) }
        try self.init(readers)
    }

    /// The earliest frame not yet handed out, or nil when every capture is done.
    public func next() throws(CaptureError) -> CANFrame? {
        try state.next(readers)
    }

    private struct MergeState {
        var heads: [CANFrame?]
        var headTimes: [Int64]
        /// `heads[i] != nil`.
        var live: [Bool]
        var lastTimes: [Int64]
        var outOfOrderFrames: [Int]
        var framesRead: [Int]

        init(heads: [CANFrame?]) {
            self.heads = heads
            headTimes = heads.map { $0?.timestamp.totalNanoseconds ?? .max }
            live = heads.map { $0 != nil }
            lastTimes = [Int64](repeating: .min, count: heads.count)
            outOfOrderFrames = [Int](repeating: 0, count: heads.count)
            framesRead = [Int](repeating: 0, count: heads.count)
        }

        mutating func next(_ readers: [CaptureReader]) throws(CaptureError) -> CANFrame? {
            // The choice looks only at `live` and `headTimes` (plain values); the frame itself
            // is moved out once, swapped with the capture's following frame.
            var best = -1
            var bestTime = Int64.max
            for i in live.indices where live[i] && (best < 0 || headTimes[i] < bestTime) {
                best = i
                bestTime = headTimes[i]
            }
            guard best >= 0 else { return nil }
            if bestTime < lastTimes[best] {
                outOfOrderFrames[best] += 1
            } else {
                lastTimes[best] = bestTime
            }
            framesRead[best] += 1
            var frame = try readers[best].next()
            live[best] = frame != nil
            headTimes[best] = frame?.timestamp.totalNanoseconds ?? .max
            swap(&frame, &heads[best])
            return frame
        }
    }

    /// Malformed lines skipped so far, per capture.
    public var malformedLines: [Int] { readers.map { $0.statistics.malformedLines } }
    /// Per capture: what its reader skipped, bent and saw dropped (`CaptureStatistics.notes`).
    public var statistics: [CaptureStatistics] { readers.map(\.statistics) }

    /// Reads the captures to their end: the interface names in order of first appearance
    /// (`["can0"]` when there are none). A capture cut short still names the buses before the
    /// cut; the replay that follows reports the cut.
    public func busNames() -> [String] {
        var names: [String] = []
        var last = ""
        while let frame = try? next() {
            guard frame.bus != last else { continue }
            last = frame.bus
            if !names.contains(last) { names.append(last) }
        }
        return names.isEmpty ? ["can0"] : names
    }
}
