import CANCore
import Testing
@testable import Telemetry

/// The frame-length model against the tables in `reference/can-formats.md` (the kernel's
/// `can/length.h` commit message and can-utils' `canframelen.h`).
struct FrameBitsTests {
    @Test func kernelTotalsForMaximalFrames() {
        #expect(FrameBits.classic(extended: false, dataLength: 8, worstCase: false).total == 111)
        #expect(FrameBits.classic(extended: false, dataLength: 8, worstCase: true).total == 135)
        #expect(FrameBits.classic(extended: true, dataLength: 8, worstCase: false).total == 131)
        #expect(FrameBits.classic(extended: true, dataLength: 8, worstCase: true).total == 160)
        #expect(FrameBits.fd(extended: false, dataLength: 64, bitRateSwitch: false, worstCase: false).total == 579)
        #expect(FrameBits.fd(extended: false, dataLength: 64, bitRateSwitch: false, worstCase: true).total == 712)
        #expect(FrameBits.fd(extended: true, dataLength: 64, bitRateSwitch: false, worstCase: false).total == 598)
        #expect(FrameBits.fd(extended: true, dataLength: 64, bitRateSwitch: false, worstCase: true).total == 736)
    }

    /// can-utils: 47 + 8n / 67 + 8n without stuffing, 55 + 10n / 80 + 10n worst case.
    @Test func classicFormulasForEveryLength() {
        for n in 0...8 {
            #expect(FrameBits.classic(extended: false, dataLength: n, worstCase: false).total == 47 + 8 * n)
            #expect(FrameBits.classic(extended: true, dataLength: n, worstCase: false).total == 67 + 8 * n)
            #expect(FrameBits.classic(extended: false, dataLength: n, worstCase: true).total == 55 + 10 * n)
            #expect(FrameBits.classic(extended: true, dataLength: n, worstCase: true).total == 80 + 10 * n)
        }
    }

    @Test func bitRateSwitchSplit() {
        let split: [(Bool, Bool, Int, Int)] = [
            (false, false, 30, 549), (false, true, 34, 678), (true, false, 49, 549), (true, true, 57, 679),
        ]
        for (extended, worst, nominal, data) in split {
            let bits = FrameBits.fd(extended: extended, dataLength: 64, bitRateSwitch: true, worstCase: worst)
            #expect(bits == FrameBits(nominal: nominal, data: data), "extended \(extended) worst \(worst)")
        }
    }

    /// Classic CAN, 8-byte payload, frames/s at each bit rate (rounded down as in the table).
    @Test(arguments: [
        (125_000, [1126, 926, 954, 781]), (250_000, [2252, 1852, 1908, 1562]),
        (500_000, [4505, 3704, 3817, 3125]), (1_000_000, [9009, 7407, 7634, 6250]),
    ])
    func classicFramesPerSecondTable(bitrate: Int, expected: [Int]) {
        let cases = [(false, false), (false, true), (true, false), (true, true)]
        for (i, (extended, worst)) in cases.enumerated() {
            let seconds = FrameBits.classic(extended: extended, dataLength: 8, worstCase: worst).seconds(bitrate: bitrate, dataBitrate: bitrate)
            #expect(Int((1 / seconds).rounded()) == expected[i], "\(bitrate) case \(i)")
        }
    }

    /// CAN FD, 64 bytes, BRS, frames/s per nominal/data rate (table rounds to the nearest frame).
    @Test(arguments: [
        (500_000, 2_000_000, [2990, 2457, 2685, 2205]), (500_000, 5_000_000, [5889, 4912, 4812, 4003]),
        (500_000, 8_000_000, [7775, 6547, 6002, 5028]), (1_000_000, 2_000_000, [3284, 2681, 3091, 2522]),
        (1_000_000, 5_000_000, [7153, 5896, 6297, 5187]), (1_000_000, 8_000_000, [10139, 8421, 8502, 7048]),
    ])
    func fdFramesPerSecondTable(nominal: Int, data: Int, expected: [Int]) {
        let cases = [(false, false), (false, true), (true, false), (true, true)]
        for (i, (extended, worst)) in cases.enumerated() {
            let seconds = FrameBits.fd(extended: extended, dataLength: 64, bitRateSwitch: true, worstCase: worst).seconds(bitrate: nominal, dataBitrate: data)
            #expect(abs(1 / seconds - Double(expected[i])) <= 1, "\(nominal)/\(data) case \(i): \(1 / seconds)")
        }
    }

    @Test func frameKinds() {
        let remote = CANFrame(id: 0x123, kind: .remote, length: 8)
        #expect(FrameBits.of(remote, worstCase: false).total == 47)
        let fd = CANFrame(id: 0x123, bytes: Array(repeating: 0, count: 10), fd: true, fdFlags: [.bitRateSwitch, .fdFormat])
        // 10 bytes are padded to 12 on the wire; CRC-17 field.
        #expect(FrameBits.of(fd, worstCase: false) == FrameBits(nominal: 30, data: 22 + 96 + 27 + 13 - 30))
        let error = CANFrame(id: 0x40, kind: .error, length: 8)
        #expect(FrameBits.of(error, worstCase: true).total == 0)
    }
}
