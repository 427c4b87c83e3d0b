import CANCore

/// One format's reader over an `InputBuffer`; `CaptureReader` owns exactly one.
protocol FrameDecoder: AnyObject {
    var statistics: CaptureStatistics { get }
    func next() throws(CaptureError) -> CANFrame?
}

/// A line grammar: turns one line into a frame, a non-frame line, or a fault.
protocol LineGrammar {
    /// The format's name in messages (`candump log`, `Vector ASC`).
    static var formatName: String { get }
    /// Parses one line; when it holds a frame (`.frame`, `.bent`), the frame is in `frame`.
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into frame: inout CANFrame) -> LineOutcome
    /// Why the input cannot have ended where it did (a Triggerblock left open), or nil.
    func faultAtEnd() -> StaticString?
}

extension LineGrammar {
    func faultAtEnd() -> StaticString? { nil }
}

/// Reads a text capture line by line with a grammar; tolerant or strict.
final class TextFrameDecoder<Grammar: LineGrammar>: FrameDecoder {
    private let input: InputBuffer
    @exclusivity(unchecked) private var grammar: Grammar
    private let name: String
    private let strict: Bool
    private let rejectNonFrames: Bool
    // The mutable state is only touched by `next()` and its callees on one thread, never in
    // overlapping accesses: unchecked, since the run-time exclusivity checks of the grammar
    // and the frame (`parse(_:into:)` modifies both) were 9 % of `decode --summary`'s CPU.
    @exclusivity(unchecked) private(set) var statistics = CaptureStatistics()
    @exclusivity(unchecked) private var ended = false
    /// The frame the grammar writes each line's frame into.
    @exclusivity(unchecked) private var frame = CANFrame(id: 0, length: 0)

    init(input: InputBuffer, grammar: Grammar, name: String, strict: Bool, rejectNonFrames: Bool) {
        self.input = input
        self.grammar = grammar
        self.name = name
        self.strict = strict
        self.rejectNonFrames = rejectNonFrames
    }

    func next() throws(CaptureError) -> CANFrame? {
        while let line = try input.nextLine() {
            statistics.records += 1
            switch line {
            case .overlong:
                try malformed(column: nil, reason: "line longer than \(InputBuffer.maxLineLength) bytes")
            case .text(let bytes):
                switch grammar.parse(bytes, into: &frame) {
                case .bent(let how):
                    if strict { try malformed(column: nil, reason: "\(how)") }
                    statistics.bentRecords += 1
                    if statistics.firstBent == nil { statistics.firstBent = (statistics.records, "\(how)") }
                    statistics.frames += 1
                    return frame
                case .frame:
                    if frame.kind == .error {
                        if rejectNonFrames { throw rejection(of: frame, name: name, record: statistics.records) }
                        statistics.errorFrames += 1
                    }
                    statistics.frames += 1
                    return frame
                case .nonFrame:
                    statistics.nonFrameLines += 1
                case .skipped(let what):
                    if rejectNonFrames {
                        throw CaptureError(file: name, line: statistics.records, message: "\(what), not a CAN frame")
                    }
                    statistics.nonFrameLines += 1
                case .dropped(let count):
                    if rejectNonFrames {
                        throw CaptureError(
                            file: name, line: statistics.records,
                            message: "DROPCOUNT: the kernel dropped \(count) frame(s) here; the capture is incomplete")
                    }
                    statistics.nonFrameLines += 1
                    statistics.droppedByKernel &+= count
                case .malformed(let fault):
                    if bytes.contains(0) {
                        throw CaptureError(
                            file: name, line: statistics.records,
                            message: "binary data (a NUL byte) in a \(Grammar.formatName) text capture; is the format right?")
                    }
                    try malformed(column: fault.offset + 1, reason: fault.describe(in: bytes))
                }
            }
        }
        if !ended {
            ended = true
            if let fault = grammar.faultAtEnd() { try malformed(column: nil, reason: "\(fault)") }
        }
        return nil
    }

    private func malformed(column: Int?, reason: String) throws(CaptureError) {
        if strict {
            throw CaptureError(
                file: name, line: statistics.records, column: column,
                message: "malformed \(Grammar.formatName) line: \(reason)")
        }
        statistics.malformedLines += 1
        if statistics.firstMalformed == nil {
            statistics.firstMalformed = (statistics.records, reason)
        }
    }
}


/// The error for an error frame met while error frames are rejected.
func rejection(of frame: CANFrame, name: String, record: Int) -> CaptureError {
    let classes = CANErrorReport(frame: frame).summary
    return CaptureError(
        file: name, line: record,
        message: "error frame on \(frame.bus)\(classes.isEmpty ? "" : " (\(classes))"), not a data or remote frame")
}
