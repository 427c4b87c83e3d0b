import CANCapture
import CANCore
import CANDatabase
import Gateway

/// What each libFuzzer target does with one input (Tests/Fuzz/<Target>/main.swift holds only
/// the `LLVMFuzzerTestOneInput` entry). Every parser of untrusted bytes must return or throw
/// its typed error for any input: a trap, an out-of-bounds access (AddressSanitizer) or a
/// hang is a finding. README.md (Testing) says how to build and run them.
public enum FuzzTargets {
    /// The DBC parser, then what `candor decode` does with what it loaded: decode plans,
    /// a frame of every message decoded (payload from the input's last bytes), canonical
    /// lines, and the DBC writer.
    public static func dbc(_ bytes: [UInt8]) {
        let result = DBCParser.parse(bytes, file: "fuzz.dbc")
        let plan = DecodePlan(result.database)
        var values = DecodedSignals(capacity: 64)
        var line: [UInt8] = []
        let payload = Array(bytes.suffix(64))
        for message in result.database.messages.prefix(64) {
            let length = max(0, min(message.length, 64, payload.count))
            let frame = CANFrame(
                id: message.id, isExtended: message.isExtended, kind: length > 8 || message.isFD ? .fd : .classic,
                length: length > 8 || message.isFD ? fdLength(length) : length, data: CANPayload(payload))
            let outcome = plan.decode(frame, into: &values)
            line.removeAll(keepingCapacity: true)
            CanonicalLine.append(frame: frame, plan: plan, outcome: outcome, values: values, to: &line)
        }
        _ = DBCWriter.write(result.database)
    }

    /// One capture format's decoder, tolerant and strict, every frame read until the end or
    /// the first error.
    static func capture(_ bytes: [UInt8], format: CaptureFormat) {
        for strict in [false, true] {
            guard let reader = try? CaptureReader(bytes: bytes, name: "fuzz", format: format, strict: strict) else { continue }
            var frames = 0
            while frames < 1_000_000 {
                do {
                    guard try reader.next() != nil else { break }
                    frames += 1
                } catch {
                    break
                }
            }
        }
    }

    public static func candumpLog(_ bytes: [UInt8]) { capture(bytes, format: .candumpLog) }
    public static func candumpASCII(_ bytes: [UInt8]) { capture(bytes, format: .candumpASCII) }
    public static func asc(_ bytes: [UInt8]) { capture(bytes, format: .asc) }
    public static func pcap(_ bytes: [UInt8]) { capture(bytes, format: .pcap) }
    public static func pcapng(_ bytes: [UInt8]) { capture(bytes, format: .pcapng) }

    /// The candor.yaml loader: YAML, then the schema (every key, duration, size, path).
    public static func config(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? GatewayConfig.decode(yaml: text, file: "/fuzz/candor.yaml", environment: ["HOME": "/root", "CANDOR_DIR": "/x"])
    }

    /// The tail protocol as `candor tail` reads it: each line the hub sent parsed, filtered
    /// (the first line is taken as the filter's glob patterns) and rendered as text.
    public static func tail(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let patterns = lines.first.map { $0.split(separator: " ", maxSplits: 2).map(String.init) } ?? []
        let filter = TailFilter(
            bus: patterns.first, id: nil, message: patterns.dropFirst().first, signal: patterns.dropFirst(2).first)
        let printers = [TailPrinter(filter: TailFilter(), format: .text, colour: true), TailPrinter(filter: filter, format: .text, colour: false)]
        var output: [UInt8] = []
        for line in lines.dropFirst() {
            _ = TailLine.parse(line)
            for printer in printers { _ = printer.render(line, to: &output) }
        }
    }

    /// The smallest CAN FD length (0…8, 12, 16, 20, 24, 32, 48, 64) holding `length` bytes.
    static func fdLength(_ length: Int) -> Int {
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64].first { $0 >= length } ?? 64
    }
}
