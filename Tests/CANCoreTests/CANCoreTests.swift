import Testing
@testable import CANCore

@Suite struct DLCTests {
    @Test func fdTableRoundTrips() {
        for dlc in UInt8(0)...15 {
            let length = CANDLC.fdLength(forDLC: dlc)
            #expect(CANDLC.dlc(forFDLength: length) == dlc)
            #expect(CANDLC.isValidFDLength(length))
        }
        #expect(CANDLC.fdLength(forDLC: 9) == 12)
        #expect(CANDLC.fdLength(forDLC: 15) == 64)
        #expect(CANDLC.dlc(forFDLength: 13) == 10)  // padded up to 16
        #expect(!CANDLC.isValidFDLength(13))
        #expect(CANDLC.classicLength(forDLC: 0xF) == 8)
    }
}

@Suite struct TimestampTests {
    @Test func printsAsWritten() {
        #expect(CANTimestamp(seconds: 1_627_323_339, nanoseconds: 323_041_000, fractionDigits: 6).text == "1627323339.323041")
        #expect(CANTimestamp(seconds: 1_700_000_000, nanoseconds: 1, fractionDigits: 9).text == "1700000000.000000001")
        #expect(CANTimestamp(seconds: 3, nanoseconds: 0, fractionDigits: 0).text == "3")
        #expect(CANTimestamp(totalNanoseconds: -250_000_000, fractionDigits: 6).text == "-0.250000")
        #expect(CANTimestamp(seconds: 1, nanoseconds: 5, fractionDigits: 9) < CANTimestamp(seconds: 1, nanoseconds: 6, fractionDigits: 6))
    }
}

@Suite struct FrameTests {
    @Test func payloadBeyondLengthIsZero() {
        let frame = CANFrame(id: 0x123, bytes: [1, 2, 3])
        #expect(frame.kind == .classic)
        #expect(frame.bytes == [1, 2, 3])
        #expect(frame.data[3] == 0)
        let fd = CANFrame(id: 0x123, bytes: Array(repeating: 0xAA, count: 12))
        #expect(fd.kind == .fd)
        #expect(fd.dlc == 9)
    }

    @Test func socketCANWordCarriesFlags() {
        let eff = CANFrame(id: 0x1234_5678, isExtended: true, kind: .remote, length: 0)
        let word = SocketCANID(frame: eff)
        #expect(word.rawValue == 0x1234_5678 | 0x8000_0000 | 0x4000_0000)
        #expect(word.identifier == 0x1234_5678)
        #expect(word.isRemote && word.isExtended && !word.isError)
        let sff = CANFrame(id: 0x7FF, length: 0)
        #expect(SocketCANID(frame: sff).rawValue == 0x7FF)
    }

    @Test func errorFrameIsReadable() {
        var frame = CANFrame(id: 0x204, kind: .error, length: 8)
        frame.data[1] = 0x04
        frame.data[6] = 96
        let report = CANErrorReport(frame: frame)
        #expect(report.summary == "controller-problem{rx-error-warning},error-counter-tx-rx{{96}{0}}")
        #expect(report.txErrorCount == 96)
        #expect(CANErrorClass(rawValue: 0x40).names == ["bus-off"])
    }
}

@Suite struct SplitMix64Tests {
    /// The published SplitMix64 sequence for seed 0: every printed seed in the suite relies on it.
    @Test func matchesTheReferenceSequence() {
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(random.next() == 0x06C4_5D18_8009_454F)
    }
}
