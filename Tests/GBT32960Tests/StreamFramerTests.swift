import CANCore
import Testing
@testable import GBT32960

@Suite struct StreamFramerTests {
    let heartbeat = Frame(edition: .v2016, command: .heartbeat, vin: "LFWADRJF011002346", data: []).bytes
    let logout = Frame(edition: .v2025, command: .logout, vin: "LFWADRJF011002346", data: [26, 1, 2, 3, 4, 5, 0, 9]).bytes

    func drain(_ framer: inout StreamFramer) -> [StreamFramer.Unit] {
        var out: [StreamFramer.Unit] = []
        while let unit = framer.next() { out.append(unit) }
        return out
    }

    @Test func framesBackToBackAndSplitAnywhere() {
        let stream = heartbeat + logout + heartbeat
        for chunk in 1...stream.count {
            var framer = StreamFramer()
            var units: [StreamFramer.Unit] = []
            var i = 0
            while i < stream.count {
                framer.append(stream[i..<min(i + chunk, stream.count)])
                units += drain(&framer)
                i += chunk
            }
            #expect(units == [.frame(heartbeat), .frame(logout), .frame(heartbeat)], "chunk \(chunk)")
            #expect(framer.skippedBytes == 0 && framer.pendingCount == 0)
        }
    }

    @Test func resynchronisesOnGarbage() {
        var framer = StreamFramer()
        let garbage: [UInt8] = [0x00, 0x23, 0x41, 0x24, 0x0D, 0x0A, 0xFF]
        framer.append(garbage + heartbeat + garbage + logout)
        #expect(drain(&framer) == [.frame(heartbeat), .frame(logout)])
        #expect(framer.skippedBytes == 2 * garbage.count)
    }

    @Test func oversizeLengthIsAFalseSync() {
        var framer = StreamFramer()
        var fake: [UInt8] = [0x23, 0x23] + Array(repeating: 0x00, count: 20) + [0xFF, 0xFC]  // length 65,532
        fake[2] = 0x02
        framer.append(fake + heartbeat)
        #expect(drain(&framer) == [.frame(heartbeat)])
        #expect(framer.oversizeHeaders == 1)
        #expect(framer.skippedBytes == fake.count)
    }

    @Test func badChecksumIsReportedAndScanningResumes() {
        var broken = logout
        broken[30] ^= 0x55
        var framer = StreamFramer()
        framer.append(broken + heartbeat)
        #expect(drain(&framer) == [.badChecksum(broken), .frame(heartbeat)])
        #expect(framer.badChecksums == 1)
    }

    @Test func truncatedTailWaitsThenIsReturnedByFinish() {
        var framer = StreamFramer()
        framer.append(heartbeat + logout.prefix(20))
        #expect(drain(&framer) == [.frame(heartbeat)])
        #expect(framer.pendingCount == 20)
        #expect(framer.finish() == Array(logout.prefix(20)))
        #expect(framer.pendingCount == 0)
    }

    /// Random garbage between random frames: every frame comes out, in order (a frame is never
    /// lost to garbage that precedes it, unless the garbage ends in a false start that
    /// swallows it — excluded here by not ending garbage with a marker byte).
    @Test func randomGarbageNeverLosesAFrame() {
        let seed: UInt64 = 0x6A7B_0001
        print("GBT32960 framer seed: 0x\(String(seed, radix: 16))")
        var rng = SplitMix64(seed: seed)
        var stream: [UInt8] = []
        var expected: [[UInt8]] = []
        for i in 0..<300 {
            let noise = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) & 0xDF }
            stream += noise
            let frame = i % 2 == 0 ? heartbeat : logout
            stream += frame
            expected.append(frame)
        }
        var framer = StreamFramer()
        var got: [[UInt8]] = []
        var i = 0
        while i < stream.count {
            let n = Int.random(in: 1...64, using: &rng)
            framer.append(stream[i..<min(i + n, stream.count)])
            for unit in drain(&framer) { if case let .frame(f) = unit { got.append(f) } }
            i += n
        }
        #expect(got == expected)
    }

    @Test func bufferStaysBounded() {
        var framer = StreamFramer()
        for _ in 0..<10_000 {
            framer.append(heartbeat)
            _ = drain(&framer)
        }
        #expect(framer.pendingCount == 0)
        framer.append(Array(repeating: 0x00, count: 100_000))
        #expect(framer.next() == nil)
        #expect(framer.pendingCount == 0)
    }
}
