import CANCapture
import Gateway
import Glibc
import MQTT
import SystemIO
import Telemetry

/// `candor collect --captures DIR`: the gateways' captures (`uplink.captures`) as files.
///
/// Each chunk is written as `DIR/<vehicle>/<run>-<capture>.<chunk>.part`, the index as
/// `DIR/<vehicle>/<run>-<capture>.json` (the index message as it came); once the index and
/// every chunk are there, the chunks are joined, their CRC-32 checked against the index, and
/// written as `DIR/<vehicle>/<run>-<capture>.log.gz` (a candump log, gzip), and the parts
/// removed. Every file is written under a temporary name and renamed, before the message is
/// acknowledged: a collector killed mid-way gets the message again and writes the same file.
/// A message sent twice writes the same bytes again (duplicates are harmless).
final class CaptureFiles {
    let directory: String

    enum Outcome: Equatable {
        case stored
        /// The index and all chunks were there: the capture file was written (its frame count
        /// is the index's).
        case completed(path: String)
    }

    /// `io`: the file system failed (the message is not acknowledged, the broker sends it
    /// again); else the message is malformed (counted and skipped).
    struct Failure: Error, CustomStringConvertible {
        var reason: String
        var io = false
        var description: String { reason }
    }

    init(directory: String) {
        self.directory = directory
    }

    /// One message of `…/<vehicle>/capture`; with the message's identity (what a confirmation
    /// names).
    func store(_ payload: [UInt8], vehicle: String) throws(Failure) -> (Outcome, UplinkMessageIdentity) {
        guard Self.safe(vehicle) else { throw Failure(reason: "vehicle \(vehicle) is not a file name") }
        let name: String
        let identity: UplinkMessageIdentity
        if let newline = payload.firstIndex(of: 0x0A) {
            let header = try Self.object(Array(payload[..<newline]))
            guard case .string("capture_chunk")? = header["kind"], let run = Self.run(header), let capture = Self.number(header["capture"]),
                  let chunk = Self.number(header["chunk"]), let chunks = Self.number(header["chunks"]), chunk < chunks else {
                throw Failure(reason: "capture chunk header without kind, run, capture, chunk < chunks")
            }
            name = "\(run)-\(capture)"
            identity = UplinkMessageIdentity(vehicle: vehicle, run: run, part: .capture(number: capture, chunk: String(chunk)))
            try write(Array(payload[(newline + 1)...]), to: "\(vehicle)/\(name).\(chunk).part")
        } else {
            let index = try Self.object(payload)
            guard case .string("capture")? = index["kind"], let run = Self.run(index), let capture = Self.number(index["capture"]) else {
                throw Failure(reason: "capture index without kind, run, capture")
            }
            name = "\(run)-\(capture)"
            identity = UplinkMessageIdentity(vehicle: vehicle, run: run, part: .capture(number: capture, chunk: "index"))
            try write(payload, to: "\(vehicle)/\(name).json")
        }
        return (try assemble(vehicle: vehicle, name: name), identity)
    }

    /// Joins the chunks when the index and all of them are there.
    private func assemble(vehicle: String, name: String) throws(Failure) -> Outcome {
        let base = "\(directory)/\(vehicle)/\(name)"
        guard let indexBytes = Self.read(base + ".json") else { return .stored }
        let index = try Self.object(indexBytes)
        guard let chunks = Self.number(index["chunks"]), case .string(let crcText)? = index["crc32"], let crc = UInt32(crcText, radix: 16) else {
            throw Failure(reason: "capture index \(name) without chunks or crc32")
        }
        var joined: [UInt8] = []
        for i in 0..<chunks {
            guard let part = Self.read("\(base).\(i).part") else { return .stored }
            joined += part
        }
        guard Deflate.crc32(joined) == crc else {
            throw Failure(reason: "capture \(vehicle)/\(name): the chunks' CRC-32 \(String(Deflate.crc32(joined), radix: 16)) is not the index's \(crcText)")
        }
        try write(joined, to: "\(vehicle)/\(name).log.gz")
        for i in 0..<chunks { try? Syscall.unlinkIfPresent("\(base).\(i).part") }
        return .completed(path: base + ".log.gz")
    }

    /// `bytes` to `relative` under the directory, through a temporary name and a rename.
    private func write(_ bytes: [UInt8], to relative: String) throws(Failure) {
        let path = directory + "/" + relative
        let temporary = path + ".tmp"
        do {
            try Syscall.makeDirectories(String(path[..<path.lastIndex(of: "/")!]), mode: 0o750)
            try FileDescriptor.write(bytes, toNewFile: temporary)
            try Syscall.rename(temporary, to: path)
        } catch {
            throw Failure(reason: "\(path): \(error.reason)", io: true)
        }
    }

    /// The file's bytes; nil when it is not there (or unreadable: the capture waits for it).
    private static func read(_ path: String) -> [UInt8]? {
        do {
            let fd = try FileDescriptor.open(path, O_RDONLY)
            return try fd.readAll(limit: 64 << 20)
        } catch {
            return nil
        }
    }

    private static func object(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw Failure(reason: "capture message: byte \(error.offset): expected \(error.expected)") }
        guard case .object = value else { throw Failure(reason: "capture message: not an object") }
        return value
    }

    private static func number(_ value: JSONValue?) -> Int? {
        guard case .number(let text)? = value, let n = Int(text), n >= 0, n < 1_000_000 else { return nil }
        return n
    }

    private static func run(_ object: JSONValue) -> String? {
        guard case .string(let run)? = object["run"], !run.isEmpty, run.count <= 64,
              run.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) || $0 == "-" }) else { return nil }
        return run
    }

    /// Letters, digits, `_`, `.`, `-`, not starting with a dot.
    static func safe(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.count <= 128
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)) }
    }
}
