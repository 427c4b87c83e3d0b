import ArgumentParser
import CANCapture
import Gateway

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a capture from one format to another.",
        discussion: """
            Formats are detected from the file names (.log, .asc, .pcap, .pcapng, candump ASCII \
            output; any of them .gz) or the input's content; --input-format / --to override. \
            `-` reads stdin or writes stdout. The output appears whole or not at all: it is \
            written beside the destination and renamed over it at the end, so a conversion that \
            fails leaves the destination as it was.

            Examples:
              candor convert drive.log drive.pcapng
              candor convert drive.asc drive.log.gz
              candor convert --to asc - out.asc < drive.log
            """
    )

    @OptionGroup var input: CaptureInputOptions

    @Option(name: .customLong("to"), help: "Force the output format.")
    var outputFormat: CaptureFormat?

    @Argument(help: "The capture to read (`-` for stdin).")
    var source: String

    @Argument(help: "The capture to write (`-` for stdout).")
    var destination: String

    func validate() throws {
        if destination == "-" && outputFormat == nil {
            throw ValidationError("writing to stdout needs --to FORMAT")
        }
    }

    func run() throws {
        do { try OutputConflicts.check(inputs: [source], outputs: [destination]) } catch {
            throw CommandFailure.input("convert: \(error)")
        }
        let reader: CaptureReader
        let writer: ReplacingCaptureWriter
        do {
            reader = try CaptureReader(path: source, format: input.inputFormat, strict: input.strict)
            writer = try ReplacingCaptureWriter(path: destination, format: outputFormat)
        } catch {
            throw CommandFailure.input(error.description)
        }
        var progress = ProgressLine()
        var frames = 0
        do {
            while let frame = try reader.next() {
                try writer.write(frame)
                frames += 1
                progress.update(frames: frames, file: source)
            }
            try writer.commit()
        } catch {
            progress.finish()
            // Refused or failed: no partial capture is left at the destination.
            if let leftover = writer.discard() { Terminal.printError("candor: \(leftover)") }
            throw CommandFailure.input(error.description)
        }
        progress.finish()
        let stats = reader.statistics
        if destination != "-" {
            Terminal.printError("candor: converted \(frames) frames (\(reader.format.rawValue) -> \(destination))")
        }
        for note in stats.notes(for: source) { Terminal.printError("candor: \(note)") }
    }
}
