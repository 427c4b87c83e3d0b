import ArgumentParser
import CANCapture
import CANCore
import CANDatabase

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode captures with a DBC into canonical JSON lines or readable text.",
        discussion: """
            Reads candump logs, candump ASCII output, Vector ASC, pcap and pcapng (any of them .gz), \
            detecting each file's format; `-` (or no file) reads stdin. Error frames and lines that \
            are not frames produce no output; malformed lines are counted and reported on stderr \
            (use --strict to stop at the first one).

            Examples:
              candor decode --dbc vehicle.dbc drive.log
              candor decode --dbc vehicle.dbc --format text drive.log.gz | less
              candump -L can0 | candor decode --dbc vehicle.dbc -
              candor decode --dbc truck.dbc --j1939 --summary trip.asc
              candor decode --dbc vehicle.dbc --interface can0 --interface can1 --format text
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case jsonl, text
    }

    @Option(help: "The DBC file that describes the bus.")
    var dbc: String

    @Option(help: "Output format: jsonl (canonical decoded-frame lines) or text (for people).")
    var format: OutputFormat = .jsonl

    @Flag(help: "Match extended frames to DBC messages by J1939 PGN (ignoring source and destination address).")
    var j1939 = false

    @Flag(help: "Print a per-message summary table instead of the decoded frames.")
    var summary = false

    @OptionGroup var input: CaptureInputOptions

    @OptionGroup(title: "Live input") var live: LiveInterfaceOptions

    @Argument(help: "Capture files; `-` or none reads stdin.")
    var captures: [String] = []

    func validate() throws {
        if !live.interfaces.isEmpty && !captures.isEmpty {
            throw ValidationError("give capture files or --interface, not both")
        }
    }

    func run() throws {
        let database = try DatabaseLoading.load(path: dbc)
        let plan = DecodePlan(database, options: DecodeOptions(matchJ1939ByPGN: j1939))
        let paths = captures.isEmpty ? ["-"] : captures
        var session = DecodeSession(plan: plan, format: format, summary: summary)
        if live.interfaces.isEmpty {
            for path in paths {
                try session.decode(path: path, input: input)
            }
        } else {
            session.decode(live: try live.openSource())
        }
        session.finish()
    }
}

/// Decodes captures one after another into a shared output buffer and counts what it saw.
struct DecodeSession {
    let plan: DecodePlan
    let format: DecodeCommand.OutputFormat
    let summary: Bool
    let output = OutputBuffer()
    var values = DecodedSignals()
    var perMessage: [Int]
    var unknownFrames = 0
    var failedFrames = 0
    var errorFrames = 0
    var malformedLines = 0
    var kernelDrops = 0

    init(plan: DecodePlan, format: DecodeCommand.OutputFormat, summary: Bool) {
        self.plan = plan
        self.format = format
        self.summary = summary
        self.perMessage = Array(repeating: 0, count: plan.messageCount)
    }

    mutating func decode(path: String, input: CaptureInputOptions) throws(CommandFailure) {
        let reader: CaptureReader
        do {
            reader = try CaptureReader(path: path, format: input.inputFormat, strict: input.strict)
        } catch {
            throw .input(error.description)
        }
        var progress = ProgressLine()
        var frames = 0
        var strictness = StrictCheck(path: path, enabled: input.strict)
        do {
            while let frame = try reader.next() {
                frames += 1
                progress.update(frames: frames, file: path)
                try strictness.check(frame, reader)
                handle(frame)
            }
            try strictness.checkEnd(reader)
        } catch let failure as CommandFailure {
            progress.finish()
            output.flush()
            throw failure
        } catch {
            progress.finish()
            output.flush()
            throw .input(String(describing: error))
        }
        progress.finish()
        let stats = reader.statistics
        malformedLines += stats.malformedLines
        kernelDrops += Int(stats.droppedByKernel)
        if stats.malformedLines > 0 {
            var note = "candor: \(path): skipped \(stats.malformedLines) malformed line(s)"
            if let first = stats.firstMalformed {
                note += "; first at line \(first.line): \(first.reason)"
            }
            Terminal.printError(note + " (use --strict to stop at the first)")
        }
    }

    /// With `--strict`, error frames and lines that are not frames (`DROPCOUNT:`, comments) are
    /// input errors naming the file and line, not just counted. Costs a statistics read per
    /// frame, so it is only done when asked for.
    struct StrictCheck {
        let path: String
        let enabled: Bool
        var previousRecord = 0
        var nonFrameLines = 0

        mutating func check(_ frame: CANFrame, _ reader: CaptureReader) throws(CommandFailure) {
            guard enabled else { return }
            let stats = reader.statistics
            if stats.nonFrameLines != nonFrameLines {
                throw .input("\(path):\(previousRecord + 1): not a frame (--strict)")
            }
            if frame.kind == .error {
                let report = CANErrorReport(frame: frame).summary
                throw .input("\(path):\(stats.records): error frame \(report) (--strict)")
            }
            previousRecord = stats.records
        }

        func checkEnd(_ reader: CaptureReader) throws(CommandFailure) {
            guard enabled, reader.statistics.nonFrameLines != nonFrameLines else { return }
            throw .input("\(path):\(previousRecord + 1): not a frame (--strict)")
        }
    }

    @inline(__always)
    mutating func handle(_ frame: CANFrame) {
        if frame.kind == .error {
            errorFrames += 1
            return
        }
        let outcome = plan.decode(frame, into: &values)
        switch outcome {
        case .unknownMessage: unknownFrames += 1
        case .decoded(let m): perMessage[m] += 1
        case .failed(let m, _):
            perMessage[m] += 1
            failedFrames += 1
        }
        guard !summary else { return }
        switch format {
        case .jsonl:
            CanonicalLine.append(frame: frame, plan: plan, outcome: outcome, values: values, to: &output.bytes)
            output.bytes.append(UInt8(ascii: "\n"))
        case .text:
            DecodedText.append(frame: frame, plan: plan, outcome: outcome, values: values, to: &output.bytes)
            output.bytes.append(UInt8(ascii: "\n"))
        }
        output.flushIfFull()
    }

    func finish() {
        if summary {
            output.write(summaryTable())
        }
        output.flush()
    }

    func summaryTable() -> String {
        var rows: [(String, String, Int)] = []
        for index in 0..<plan.messageCount where perMessage[index] > 0 {
            let message = plan.message(at: index)
            let id = message.isExtended
                ? hex(message.id, width: 8) : hex(message.id, width: 3)
            rows.append((message.name, id, perMessage[index]))
        }
        rows.sort { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0 }
        let nameWidth = max(7, rows.map(\.0.count).max() ?? 0)
        var text = "message".padding(nameWidth) + "  id        frames\n"
        for (name, id, count) in rows {
            text += name.padding(nameWidth) + "  " + id.padding(8) + "  " + String(count) + "\n"
        }
        let decoded = perMessage.reduce(0, +)
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
