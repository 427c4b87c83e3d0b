import CANCore
import Foundation
import Testing
@testable import CANCapture


/// Damaged captures never crash a reader: each is read to the end or stops with a CaptureError.
@Suite("mutated captures")
struct MutationTests {
    static let seed: UInt64 = 20_261_126

    @Test("random byte damage in every format, tolerant and strict",
          arguments: [CaptureFormat.candumpLog, .candumpASCII, .asc, .pcap, .pcapng])
    func damage(format: CaptureFormat) throws {
        let dir = try makeScratchDirectory("mutate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("clean").path
        var frames = SampleFrames.all()
        frames += SampleFrames.all(bus: "vcan0", otherBus: "can1", base: 1_700_000_100)
        try writeAll(frames, to: path, format: format)
        let clean = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        var random = SplitMix64(seed: Self.seed)
        print("mutation seed \(Self.seed), format \(format.rawValue)")
        let interesting: [UInt8] = [0, 0x0A, 0x20, 0x23, 0x28, 0x29, 0x2E, 0x46, 0x52, 0x5F, 0x7F, 0x80, 0xFF, 0x30, 0x39]
        for round in 0..<400 {
            var bytes = clean
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes[at] = interesting.randomElement(using: &random)!
                case 2: bytes.remove(at: at)
                default: bytes.insert(interesting.randomElement(using: &random)!, at: at)
                }
            }
            if round % 10 == 0 { bytes.removeLast(Int.random(in: 0..<min(200, bytes.count), using: &random)) }
            for strict in [false, true] {
                do {
                    let reader = try CaptureReader(bytes: bytes, name: "m", format: format, strict: strict)
                    var count = 0
                    while try reader.next() != nil { count += 1 }
                    #expect(count <= frames.count + 2)
                } catch {
                    #expect(!error.description.isEmpty)
                }
            }
        }
    }

    @Test("frames read from damaged captures can be written to every format")
    func writeWhatWasRead() throws {
        let dir = try makeScratchDirectory("mutate-write")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = """
            (9000000000.999999) can0 123#11
            (0.5) can0 123#R8_F
            (1.000000001) a_very_long_interface_name_indeed 1FFFFFFF##F
            (1.000000) can0 3FFFFFFF#0102030405060708
            """
        let (frames, _) = try readAll(text)
        #expect(frames.count == 4)
        for format in CaptureFormat.allCases {
            let path = dir.appendingPathComponent("out.\(format.fileExtension)").path
            if format == .pcap {
                // pcap's seconds are 32 bits: the year 2255 is refused, not written wrapped.
                #expect(throws: CaptureError.self) { try writeAll(frames, to: path, format: format) }
                continue
            }
            try writeAll(frames, to: path, format: format)
            let back = try CaptureReader(path: path, format: format)
            var count = 0
            while try back.next() != nil { count += 1 }
            #expect(count == frames.count, "\(format)")
        }
    }
}
