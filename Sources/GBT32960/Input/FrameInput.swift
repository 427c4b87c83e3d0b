/// Frames read from what an operator has: hex lines, raw bytes, or a pcap/pcapng capture of
/// the TCP session. Each frame keeps where it came from, for the decode tool's output.
public struct LocatedFrame: Sendable {
    public var bytes: [UInt8]
    public var checksumValid: Bool
    /// `("line", 3)`, `("offset", 1024)` or `("packet", 12)` with `("flow", "a:1 -> b:2")`.
    public var location: [(String, JSON)]
}

/// Input that is not what the tool reads: `file:line: message` (line = record for captures).
public struct FrameInputError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var message: String

    public var description: String { file + (line.map { ":\($0)" } ?? "") + ": " + message }
}

public enum FrameInput {
    public enum Kind: String, Sendable { case hex, raw, capture }

    /// A capture when it starts with a pcap or pcapng magic; hex lines when every byte is
    /// printable ASCII or whitespace (a frame's response flag, 0xFE or 0x01–0x07, never is);
    /// raw bytes otherwise.
    public static func kind(of b: [UInt8]) -> Kind {
        if TCPCapture.isCapture(b) { return .capture }
        let text = b.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        return text ? .hex : .raw
    }

    /// Every frame in `input`. Garbage between frames of raw bytes or a TCP stream is skipped
    /// and counted in `skipped`; a hex line that is not whole frames, or a frame cut off at
    /// the end of the input, is an error.
    public static func frames(_ input: [UInt8], file: String, skipped: inout Int) throws(FrameInputError) -> [LocatedFrame] {
        switch kind(of: input) {
        case .hex: return try hexLines(input, file: file)
        case .raw:
            var framer = StreamFramer()
            framer.append(input)
            var out: [LocatedFrame] = []
            while let unit = framer.next() {
                // After a good frame the framer stands just past it; after a bad BCC one byte past its start.
                let start = input.count - framer.pendingCount - (unit.isValid ? unit.bytes.count : 1)
                out.append(LocatedFrame(bytes: unit.bytes, checksumValid: unit.isValid, location: [("offset", .integer(Int64(start)))]))
            }
            skipped += framer.skippedBytes
            let rest = framer.finish()
            if !rest.isEmpty && (rest.first == 0x23 || rest.first == 0x24) {
                throw FrameInputError(file: file, line: nil, message: "byte \(input.count - rest.count): \(rest.count) byte(s) of a frame cut off at the end of the input")
            }
            skipped += rest.count
            return out
        case .capture:
            let segments: [TCPCapture.Segment]
            do { segments = try TCPCapture.segments(input) } catch { throw FrameInputError(file: file, line: error.record, message: error.message) }
            var framers: [String: StreamFramer] = [:]
            var out: [LocatedFrame] = []
            for segment in segments {
                var framer = framers[segment.flow] ?? StreamFramer()
                if segment.gap > 0 { skipped += framer.finish().count + segment.gap }
                framer.append(segment.payload)
                while let unit = framer.next() {
                    out.append(LocatedFrame(bytes: unit.bytes, checksumValid: unit.isValid,
                                            location: [("packet", .integer(Int64(segment.packet))), ("flow", .string(segment.flow))]))
                }
                framers[segment.flow] = framer
            }
            for (_, var framer) in framers { skipped += framer.skippedBytes + framer.finish().count }
            return out
        }
    }

    private static func hexLines(_ input: [UInt8], file: String) throws(FrameInputError) -> [LocatedFrame] {
        var out: [LocatedFrame] = []
        for (index, line) in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let text = String(decoding: line.prefix { $0 != UInt8(ascii: "#") }, as: UTF8.self)
            guard let raw = bytes(hex: text) else {
                throw FrameInputError(file: file, line: index + 1, message: "not hex: an odd number of digits")
            }
            var at = 0
            while at < raw.count {
                let rest = Array(raw[at...])
                guard rest.count >= 2, rest[0] == rest[1], Edition(startByte: rest[0]) != nil else {
                    throw FrameInputError(file: file, line: index + 1, message: "byte \(at): expected a frame starting 2323 or 2424, found \(hex(rest.prefix(2)))")
                }
                let decoded: (frame: Frame, checksumValid: Bool)
                let length = rest.count >= Frame.headerLength ? Frame.headerLength + (Int(rest[22]) << 8 | Int(rest[23])) + 1 : rest.count
                do {
                    decoded = try Frame.decode(Array(rest.prefix(length)))
                } catch {
                    throw FrameInputError(file: file, line: index + 1, message: "byte \(at): \(error.description)")
                }
                out.append(LocatedFrame(bytes: Array(rest.prefix(length)), checksumValid: decoded.checksumValid,
                                        location: [("line", .integer(Int64(index + 1)))]))
                at += length
            }
        }
        return out
    }

    /// The decode tool's object for one frame: where it came from, its BCC status, the header
    /// and every field of its data unit with units; a data unit that does not match its
    /// command's layout gives `body_error` and the bytes in hex.
    public static func describe(_ located: LocatedFrame) -> JSON {
        var pairs = located.location
        pairs.append(("bcc", .string(located.checksumValid ? "ok" : "mismatch")))
        do {
            let (frame, _) = try Frame.decode(located.bytes)
            do {
                let message = try Message(frame: frame)
                guard case let .object(fields) = message.json() else { return .object(pairs) }
                pairs += fields
            } catch {
                pairs += [("edition", .string(frame.edition.rawValue)), ("command", .string(frame.command.description)),
                          ("command_id", .integer(Int64(frame.command.rawValue))), ("response", .string(frame.response.description)),
                          ("vin", .string(frame.vin)), ("body_error", .string(error.description)), ("data", .string(hex(frame.data)))]
            }
        } catch {
            pairs.append(("frame_error", .string(error.description)))
        }
        return .object(pairs)
    }
}

extension StreamFramer.Unit {
    /// The frame's bytes, whatever its BCC.
    public var bytes: [UInt8] {
        switch self {
        case let .frame(b), let .badChecksum(b): b
        }
    }

    public var isValid: Bool {
        if case .frame = self { return true }
        return false
    }
}
