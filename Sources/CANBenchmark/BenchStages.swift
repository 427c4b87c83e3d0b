import CANCapture
import CANCore
import CANDatabase
import Gateway

/// The user-facing stages of `candor decode` and `candor tail`, one by one, on a workload's
/// candump log: each stage does what the one before it does plus its own step, so the
/// differences are the step's cost. Frames/s in CPU time of the measuring thread.
///
/// - parse only: the candump log read into frames;
/// - decode: + every frame decoded and counted per message (`decode --summary`);
/// - canonical JSONL: + the canonical line of every frame (`decode --format jsonl`, the
///   decoded-frame log and `tail`'s socket), into a buffer emptied every 64 KiB;
/// - text: + the text of every frame instead (`decode --format text`);
/// - tail line: + the canonical line read back and shown as `candor tail` shows it
///   (`TailLine.parse`, `TailText.render`).
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
        var values = DecodedSignals(capacity: plan.maxSignalsPerMessage)
        var perMessage = [Int](repeating: 0, count: plan.messageCount)
        let text = stage == .text ? DecodedText(plan: plan) : nil
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 17)
        var line: [UInt8] = []
        var shown = 0
        var frames = 0
        while let frame = try reader.next() {
            frames += 1
            if stage == .parse { continue }
            let outcome = plan.decode(frame, into: &values)
            if let m = outcome.messageIndex { perMessage[m] += 1 }
            switch stage {
            case .parse, .decode:
                continue
            case .jsonl:
                CanonicalLine.append(frame: frame, plan: plan, outcome: outcome, values: values, to: &buffer)
                buffer.append(UInt8(ascii: "\n"))
            case .text:
                text?.append(frame: frame, outcome: outcome, values: values, to: &buffer)
                buffer.append(UInt8(ascii: "\n"))
            case .tail:
                line.removeAll(keepingCapacity: true)
                CanonicalLine.append(frame: frame, plan: plan, outcome: outcome, values: values, to: &line)
                if case .frame(let parsed)? = TailLine.parse(Substring(decoding: line, as: UTF8.self)) {
                    buffer.append(contentsOf: TailText.render(parsed, colour: false).utf8)
                    buffer.append(UInt8(ascii: "\n"))
                }
            }
            if buffer.count >= 1 << 16 {
                shown &+= buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        precondition(perMessage.reduce(0, +) <= frames && shown >= 0)
        return frames
    }
}
