import CANCapture
import CANCore
import CANDatabase

/// What `candor tail` shows of each line the daemon (or `DecodingFollower`) gives: the
/// filter applied, then the line itself (jsonl) or its text form. A line the filter drops
/// shows nothing; a `{"missed":N}` notice is kept in jsonl and handed back in text, where
/// the caller tells it on stderr.
public struct TailPrinter: Sendable {
    public let filter: TailFilter
    public let format: DecodedLineFormat
    public let colour: Bool
    private let unfiltered: Bool

    public init(filter: TailFilter, format: DecodedLineFormat, colour: Bool) {
        self.filter = filter
        self.format = format
        self.colour = colour
        unfiltered = filter == TailFilter()
    }

    /// Appends what `text` (one line, no line end) shows to `output`; returns the frame
    /// count of a missed notice that text output leaves to the caller.
    public func render(_ text: Substring, to output: inout [UInt8]) -> UInt64? {
        var text = text
        return text.withUTF8 { render($0, to: &output) }
    }

    /// `render(_:to:)` of a line's bytes.
    public func render(_ line: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) -> UInt64? {
        if format == .jsonl && unfiltered {
            output.append(contentsOf: line)
            output.append(UInt8(ascii: "\n"))
            return nil
        }
        switch CanonicalLineFields.parse(line) {
        case .missed(let count)?:
            guard format == .jsonl else { return count }
            output.append(contentsOf: line)
        case .frame(let fields)?:
            guard filter.accepts(fields, of: line) else { return nil }
            if format == .jsonl {
                output.append(contentsOf: line)
            } else {
                TailText.append(fields, of: line, colour: colour, filter: filter, to: &output)
            }
        case nil:
            return nil
        }
        output.append(UInt8(ascii: "\n"))
        return nil
    }
}

/// `tail --follow FILE`: a growing candump log (across the recorder's rotation, see
/// `CaptureFollower`) through the decode-only pipeline, as canonical lines.
public final class DecodingFollower {
    private let follower: CaptureFollower
    private var decoder: BusDecoder
    private var line: [UInt8] = []
    private var toldSkipped = 0

    public init(path: String, plans: BusPlans) throws(CaptureError) {
        follower = try CaptureFollower(path: path)
        decoder = plans.decoder()
    }

    /// The file as it is followed now (it changes at a rotation).
    public var path: String { follower.path }

    /// Reads what was appended since the last poll and gives each frame's canonical line
    /// (error frames give none) to `body`; returns the number of frames read (0: nothing new).
    public func poll(_ body: (Substring) -> Void) throws(CaptureError) -> Int {
        let frames = try follower.poll()
        for frame in frames where frame.kind != .error {
            let (bus, outcome) = decoder.decode(frame)!   // every bus has a plan (the fallback)
            line.removeAll(keepingCapacity: true)
            CanonicalLine.append(frame: frame, plan: decoder.plans[bus], outcome: outcome, values: decoder.values, to: &line)
            body(Substring(decoding: line, as: UTF8.self))
        }
        return frames.count
    }

    /// The notes on skipped and bent lines, when their count has doubled since last told
    /// (told at 1, 2, 4, 8... lines); empty otherwise.
    public func newNotes() -> [String] {
        let skipped = follower.statistics.malformedLines + follower.statistics.bentRecords
        guard skipped > 0 && skipped >= 2 * toldSkipped else { return [] }
        toldSkipped = skipped
        return follower.statistics.notes(for: follower.path)
    }
}
