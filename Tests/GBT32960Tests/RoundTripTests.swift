import Testing
@testable import GBT32960

@Suite struct RoundTripTests {
    /// Every message kind and every body of both editions: encode → frame bytes → decode gives
    /// the same message, and the JSON rendering is stable.
    @Test(arguments: [UInt64(0x3296_0001), 0x3296_0002, 0x3296_0003, 0x3296_0004])
    func encodeThenDecode(seed: UInt64) throws {
        print("GBT32960 round trip seed: 0x\(String(seed, radix: 16))")
        var random = RandomMessages(seed: seed)
        for _ in 0..<25 {
            for edition in Edition.allCases {
                for message in random.messages(edition) {
                    let bytes = message.frame.bytes
                    let (frame, valid) = try Frame.decode(bytes)
                    #expect(valid)
                    let decoded = try Message(frame: frame)
                    #expect(decoded == message, "seed 0x\(String(seed, radix: 16)) \(edition.rawValue) \(message.command)")
                    #expect(decoded.json() == message.json())
                }
            }
        }
    }

    @Test func physicalValuesBecomeRawWithSentinels() {
        let f = VehicleData.Fields(.v2016)
        #expect(f.speed.raw(4.8) == 48)
        #expect(f.current.raw(-12.5) == 9875)
        #expect(f.current.raw(nil) == 0xFFFF)
        #expect(f.current.raw(1500) == 0xFFFE)  // out of range: abnormal
        #expect(f.insulation.raw(nil) == 0xFFFF)  // no sentinel defined: all ones, read back as out of range
        #expect(f.insulation.reading(f.insulation.raw(nil)) == .outOfRange(0xFFFF))
        let g = VehicleData.Fields(.v2025)
        #expect(g.current.raw(0) == 30_000)
        #expect(g.current.reading(30_000) == .value(0))
        #expect(DriveMotor.Fields(.v2025).torque.raw(0) == 200_000)
        #expect(DriveMotor.Fields(.v2016).torque.reading(20_017) == .value(1.7))
    }

    @Test func signatureRoundTripsAndCoversTheBodyOnly() throws {
        var random = RandomMessages(seed: 7)
        var report = random.report(.v2025)
        let signed = report.signedBytes(edition: .v2025)
        report.signature = Signature(algorithm: 1, r: Array(repeating: 0xAB, count: 32), s: Array(repeating: 0xCD, count: 32))
        let data = report.encode(edition: .v2025)
        #expect(Array(data.prefix(signed.count)) == signed)
        #expect(data[signed.count] == 0xFF)
        #expect(try RealtimeReport.decode(data, edition: .v2025) == report)
    }

    /// A VIN whose last bytes are a byte over 0x7F and then a two-byte character: it reads as
    /// U+FFFD and "é", which take five bytes where the field has three left. Encoding cuts at
    /// the character (the fuzzer's input, Tests/Fuzz/regressions/FuzzGBT32960/vin-cut-inside-a-character,
    /// had it cut inside "é", writing a lone 0xC3 that read back as a second U+FFFD).
    @Test func textLongerThanItsFieldIsCutAtACharacter() throws {
        var raw: [UInt8] = [0x23, 0x23, 0x01, 0xFE] + Array("LFNA4LDA9JKL0".utf8) + [0x80, 0xC3, 0xA9, 0x41]
        raw += [0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00]
        raw.append(raw[2...].reduce(0, ^))
        let decoded = try Message(frame: Frame.decode(raw).frame)
        #expect(decoded.vin == "LFNA4LDA9JKL0\u{FFFD}\u{E9}A")
        let once = decoded.frame.bytes
        #expect(Array(once[4..<21]) == Array("LFNA4LDA9JKL0\u{FFFD}".utf8) + [0x00])
        let again = try Message(frame: Frame.decode(once).frame)
        #expect(again.frame.bytes == once)
    }

    @Test func bodiesAnEditionLacksHaveNoTypeCode() {
        var random = RandomMessages(seed: 9)
        #expect(InfoItem.extremeValues(random.extremes()).typeCode(.v2025) == nil)
        #expect(InfoItem.fuelCell(random.fuelCell()).typeCode(.v2025) == nil)
        #expect(InfoItem.hydrogenSystem(random.hydrogen()).typeCode(.v2016) == nil)
        #expect(InfoItem.superCapacitor(random.superCapacitor()).typeCode(.v2016) == nil)
        #expect(InfoItem.superCapacitorExtremes(random.superCapacitorExtremes()).typeCode(.v2016) == nil)
        #expect(InfoItem.superCapacitorExtremes(random.superCapacitorExtremes()).typeCode(.v2025) == 0x32)
        #expect(InfoItem.alarm(random.alarm(.v2025)).typeCode(.v2025) == 0x06)
    }

    /// The 2025 super-capacitor bodies alone: they round-trip, and a report cut anywhere inside
    /// one throws an error that names the body (its type and "super-capacitor"), never decodes.
    @Test(arguments: [UInt64(0x3296_0031), 0x3296_0032])
    func superCapacitorBodiesRoundTripAndTruncationsNameTheBody(seed: UInt64) throws {
        print("GBT32960 super-capacitor seed: 0x\(String(seed, radix: 16))")
        var random = RandomMessages(seed: seed)
        for _ in 0..<40 {
            let capacitor = random.superCapacitor(), extremes = random.superCapacitorExtremes()
            let report = RealtimeReport(time: random.time(), items: [.superCapacitor(capacitor), .superCapacitorExtremes(extremes)])
            let data = report.encode(edition: .v2025)
            #expect(try RealtimeReport.decode(data, edition: .v2025) == report, "seed 0x\(String(seed, radix: 16))")
            let capacitorEnd = 6 + 1 + 5 + 2 + 2 * capacitor.cellVoltages.count + 2 + capacitor.probeTemperatures.count
            #expect(data.count == capacitorEnd + 1 + SuperCapacitorExtremes.length)
            for cut in 7..<data.count where cut != capacitorEnd {
                let (type, body) = cut < capacitorEnd ? ("0x31", "super-capacitor") : ("0x32", "super-capacitor extremes (0x32)")
                do {
                    _ = try RealtimeReport.decode(Array(data.prefix(cut)), edition: .v2025)
                    Issue.record("a report cut at \(cut) of \(data.count) bytes decoded")
                } catch {
                    #expect(error.message.hasPrefix("info type \(type) at byte") && error.message.contains(body), "cut \(cut): \(error)")
                }
            }
        }
    }

    @Test func truncatedBodiesThrowWithTheirOffset() throws {
        var random = RandomMessages(seed: 11)
        let report = random.report(.v2016)
        let data = report.encode(edition: .v2016)
        for cut in [7, 12, data.count / 2, data.count - 1] {
            #expect(throws: BodyError.self) { try RealtimeReport.decode(Array(data.prefix(cut)), edition: .v2016) }
        }
    }
}
