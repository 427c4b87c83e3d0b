import CANCapture
import CANCore
import CANDatabase
import Gateway

/// Decodes captures one after another into a shared output buffer and counts what it saw.
struct DecodeSession {
    let plans: BusPlans
    let format: DecodeCommand.OutputFormat
    let summary: Bool
    let output = OutputBuffer()
    /// Lines not yet handed to `output`: a buffer of this struct, so that appending to it
    /// needs no run-time exclusivity check per frame (the class's buffer would).
    var lines: [UInt8] = []
    /// The pipeline's decode-only form, routing each bus to its plan (`plans.all` order).
    var decoder: BusDecoder
    /// The text pieces of each plan (`plans.all` order), made once for `--format text`.
    let texts: [DecodedText]
    /// What `--summary` shows (`plans.all` order).
    var counts: DecodeSummary

    init(plans: BusPlans, format: DecodeCommand.OutputFormat, summary: Bool) {
        self.plans = plans
        self.format = format
        self.summary = summary
        self.counts = DecodeSummary(plans: plans.all)
        self.decoder = BusDecoder(plans: plans.all.map(\.plan), route: { plans.index(forBus: $0) })
        self.texts = format == .text && !summary ? plans.all.map { DecodedText(plan: $0.plan) } : []
    }

    mutating func decode(path: String, input: CaptureInputOptions) throws(CommandFailure) {
        let reader: CaptureReader
        do {
            // --strict: malformed lines, error frames and non-frame lines (DROPCOUNT) are
            // errors with file:line; by default they are counted and skipped.
            reader = try CaptureReader(
                path: path, format: input.inputFormat, strict: input.strict, rejectNonFrames: input.strict)
        } catch {
            throw .input(error.description)
        }
        var progress = ProgressLine()
        var frames = 0
        do {
            while let frame = try reader.next() {
                frames += 1
                progress.update(frames: frames, file: path)
                handle(frame)
            }
        } catch {
            progress.finish()
            flushLines()
            throw .input(error.description)
        }
        progress.finish()
        let stats = reader.statistics
        counts.malformedLines += stats.malformedLines
        counts.kernelDrops += Int(stats.droppedByKernel)
        for note in stats.notes(for: path) { Terminal.printError("candor: \(note)") }
    }

    @inline(__always)
    mutating func handle(_ frame: CANFrame) {
        if frame.kind == .error {
            counts.errorFrames += 1
            return
        }
        // Every bus has a plan (the fallback one decodes nothing).
        let (bus, outcome) = decoder.decode(frame)!
        let plan = decoder.plans[bus]
        let values = decoder.values
        counts.count(bus: bus, outcome)
        guard !summary else { return }
        switch format {
        case .jsonl:
            CanonicalLine.append(frame: frame, plan: plan, outcome: outcome, values: values, to: &lines)
            lines.append(UInt8(ascii: "\n"))
        case .text:
            texts[bus].append(frame: frame, outcome: outcome, values: values, to: &lines)
            lines.append(UInt8(ascii: "\n"))
        }
        if lines.count >= 1 << 16 { flushLines() }
    }

    /// Writes the pending lines out.
    mutating func flushLines() {
        swap(&lines, &output.bytes)
        output.flush()
    }

    mutating func finish() {
        flushLines()
        if summary {
            output.write(counts.table())
        }
        output.flush()
    }
}
