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
    /// Frames per message, per plan (`plans.all` order).
    var perMessage: [[Int]]
    var unknownFrames = 0
    var failedFrames = 0
    var errorFrames = 0
    var malformedLines = 0
    var kernelDrops = 0

    init(plans: BusPlans, format: DecodeCommand.OutputFormat, summary: Bool) {
        self.plans = plans
        self.format = format
        self.summary = summary
        self.perMessage = plans.all.map { Array(repeating: 0, count: $0.plan.messageCount) }
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
        malformedLines += stats.malformedLines
        kernelDrops += Int(stats.droppedByKernel)
        for note in stats.notes(for: path) { Terminal.printError("candor: \(note)") }
    }

    @inline(__always)
    mutating func handle(_ frame: CANFrame) {
        if frame.kind == .error {
            errorFrames += 1
            return
        }
        // Every bus has a plan (the fallback one decodes nothing).
        let (bus, outcome) = decoder.decode(frame)!
        let plan = decoder.plans[bus]
        let values = decoder.values
        switch outcome {
        case .unknownMessage: unknownFrames += 1
        case .decoded(let m): perMessage[bus][m] += 1
        case .failed(let m, _):
            perMessage[bus][m] += 1
            failedFrames += 1
        }
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
            output.write(summaryTable())
        }
        output.flush()
    }

    func summaryTable() -> String {
        var rows: [(String, String, Int)] = []
        for (p, entry) in plans.all.enumerated() {
            for index in 0..<entry.plan.messageCount where perMessage[p][index] > 0 {
                let message = entry.plan.message(at: index)
                let id = message.isExtended
                    ? hex(message.id, width: 8) : hex(message.id, width: 3)
                let name = entry.bus.map { "\($0): \(message.name)" } ?? message.name
                rows.append((name, id, perMessage[p][index]))
            }
        }
        rows.sort { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0 }
        let nameWidth = max(7, rows.map(\.0.count).max() ?? 0)
        var text = "message".padding(nameWidth) + "  id        frames\n"
        for (name, id, count) in rows {
            text += name.padding(nameWidth) + "  " + id.padding(8) + "  " + String(count) + "\n"
        }
        let decoded = perMessage.joined().reduce(0, +)
        text += "\n\(decoded) frames of \(rows.count) known messages"
        text += ", \(unknownFrames) with unknown ids, \(failedFrames) not decodable"
        text += ", \(errorFrames) error frames, \(malformedLines) malformed lines"
        if kernelDrops > 0 { text += ", \(kernelDrops) dropped by the kernel (DROPCOUNT)" }
        return text + "\n"
    }

    private func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
