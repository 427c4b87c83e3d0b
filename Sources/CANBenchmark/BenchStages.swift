import CANCapture
import CANCore
import CANDatabase
import Gateway

/// The user-facing stages of `candor decode` and `candor tail`, one by one, on a workload's
/// candump log: each stage does what the one before it does plus its own step, so the
/// differences are the step's cost. Frames/s in CPU time of the measuring thread.
///
/// Every stage after the first runs the code the command runs: `DecodeLines`, the decode-only
/// pipeline of `candor decode --dbc FILE` (one plan for every bus, each frame's bus routed to
/// it, decoded, counted for the summary; lines handed out every 64 KiB):
///
/// - parse only: the candump log read into frames;
/// - decode: + every frame decoded and counted per message (`decode --summary`);
/// - canonical JSONL: + the canonical line of every frame (`decode --format jsonl`, the
///   decoded-frame log and `tail`'s socket);
/// - text: + the text of every frame instead (`decode --format text`);
/// - tail line: + the canonical lines read back and shown as `candor tail` shows them
///   (`TailPrinter`, text, no filter).
extension BenchRunner {
    public enum Stage: String, CaseIterable, Sendable {
        case parse = "parse only"
        case decode = "decode (--summary)"
        case jsonl = "canonical JSONL"
        case text = "text (--format text)"
        case tail = "tail line (parse + render)"
    }

    /// One result per stage: median frames/s over the repetitions.
    public func stageResults(workload: String, capture: String, plan: DecodePlan) throws -> [(Stage, BenchResult)] {
        var results: [(Stage, BenchResult)] = []
        for stage in Stage.allCases {
            var rates: [Double] = []
            progress("\(workload): \(stage.rawValue), \(repetitions) × \(capture)")
            for _ in 0..<repetitions {
                let t0 = Self.now()
                let n = try Self.runStage(stage, capture: capture, plan: plan)
                rates.append(Double(n) / (Self.now() - t0))
            }
            results.append((stage, BenchResult(
                name: "\(workload): \(stage.rawValue)", value: Self.median(rates), unit: "frames/s", samples: rates)))
        }
        return results
    }

    /// Runs one stage over the capture; returns the frames read.
    static func runStage(_ stage: Stage, capture: String, plan: DecodePlan) throws -> Int {
        let reader = try CaptureReader(path: capture, format: .candumpLog, strict: true)
        var shown = 0
        let frames: Int
        switch stage {
        case .parse:
            var n = 0
            while try reader.next() != nil { n += 1 }
            return n
        case .decode, .jsonl, .text:
            var lines = DecodeLines(plans: BusPlans([(nil, plan)]), format: stage == .text ? .text : .jsonl, summaryOnly: stage == .decode)
            frames = try lines.decode(reader) { shown &+= $0.count }
            lines.flushLines { shown &+= $0.count }
        case .tail:
            let printer = TailPrinter(filter: TailFilter(), format: .text, colour: false)
            var output: [UInt8] = []
            output.reserveCapacity(1 << 18)
            let show = { (lines: [UInt8]) in
                output.removeAll(keepingCapacity: true)
                for line in lines.split(separator: UInt8(ascii: "\n")) {
                    _ = printer.render(Substring(decoding: line, as: UTF8.self), to: &output)
                }
                shown &+= output.count
            }
            var lines = DecodeLines(plans: BusPlans([(nil, plan)]), format: .jsonl, summaryOnly: false)
            frames = try lines.decode(reader, flush: show)
            lines.flushLines(show)
        }
        precondition(shown >= 0)
        return frames
    }
}
