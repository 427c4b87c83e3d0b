import ArgumentParser
import GBT32960
#if canImport(Glibc)
import Glibc
#endif
import SystemIO

struct GBT32960Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gbt32960",
        abstract: "GB/T 32960.3 (China NEV remote monitoring, 2016 and 2025 editions) tools.",
        subcommands: [GBT32960DecodeCommand.self]
    )
}

struct GBT32960DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode GB/T 32960.3 frames into one JSON object per frame.",
        discussion: """
            Reads hex lines (one or more whole frames per line; `#` starts a comment), raw bytes \
            (frames back to back, as on the TCP session; garbage between frames is skipped and \
            counted on stderr), or a pcap/pcapng capture of the TCP session (Ethernet, loopback, \
            raw IP, Linux cooked; each direction reassembled by sequence number). `-` or no file \
            reads stdin. The edition comes from each frame's start bytes: `##` 2016, `$$` 2025.

            Each object names where the frame came from (line, byte offset, or capture packet \
            number and flow), the BCC status ("ok" or "mismatch"), the edition, command, response flag, VIN, \
            encryption, time, and every field of the data unit with its unit; sentinel values \
            show as {"value":null,"status":"invalid"|"abnormal","raw":…}.

            Exit status: 0 decoded, 2 bad input (with file:line), 1 read failure.

            Examples:
              echo 232307fe4838323230363530303030303030303030010000bb | candor gbt32960 decode
              candor gbt32960 decode frames.hex
              candor gbt32960 decode session.pcapng | jq 'select(.command == "realtime")'
              nc -l 32960 > session.bin; candor gbt32960 decode session.bin
            """
    )

    @Argument(help: "Hex lines, raw frames, or a pcap/pcapng capture (`-` for stdin).")
    var file: String = "-"

    func run() throws {
        let input: [UInt8]
        do {
            input = try readAll(file)
        } catch {
            throw CommandFailure.runtime("\(file): \(error.message)")
        }
        var skipped = 0
        let frames: [LocatedFrame]
        do {
            frames = try FrameInput.frames(input, file: file, skipped: &skipped)
        } catch {
            throw CommandFailure.input(error.description)
        }
        let output = OutputBuffer()
        for frame in frames {
            output.write(FrameInput.describe(frame).rendered)
            output.write("\n")
        }
        output.flush()
        if skipped > 0 { Terminal.printError("candor: \(file): skipped \(skipped) byte(s) that were not part of a frame") }
    }

    struct ReadFailure: Error { var message: String }

    /// The whole file (or stdin for `-`).
    private func readAll(_ path: String) throws(ReadFailure) -> [UInt8] {
        do {
            let fd = path == "-" ? try FileDescriptor.duplicate(0) : try FileDescriptor.open(path, O_RDONLY)
            return try fd.readAll(limit: .max) ?? []
        } catch {
            throw ReadFailure(message: error.reason)
        }
    }
}
