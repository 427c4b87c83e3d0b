import Testing
@testable import GBT32960

/// The sample frames of ../shared/reference/gbt32960.md §4.3 (real production frames, rtm_con's
/// samples, 36node's fixtures with the platform replies, JTNE's header test, a frame built from
/// EMQX's test terms) decode to the values listed there; a hand-built 2025 frame covers the
/// super-capacitor bodies, which no public sample carries.
@Suite struct SampleFrameTests {
    func message(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Message {
        let raw = try #require(bytes(hex: text), sourceLocation: sourceLocation)
        let (frame, valid) = try Frame.decode(raw)
        #expect(valid, "BCC", sourceLocation: sourceLocation)
        #expect(frame.bytes == raw, "re-encoding gives the same bytes", sourceLocation: sourceLocation)
        let message = try Message(frame: frame)
        #expect(message.frame.bytes == raw, "the decoded message encodes to the same bytes", sourceLocation: sourceLocation)
        return message
    }

    func time(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> BeijingTime {
        BeijingTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }

    @Test func productionLogin2016() throws {
        let m = try message("232301fe483356323142413239535a30303331303901001e1a070706370f000238393836303632343430303031343331303936340100e4")
        #expect(m.edition == .v2016 && m.command == .login && m.response == .command)
        #expect(m.vin == "H3V21BA29SZ003109")
        guard case let .login(login) = m.payload else { Issue.record("not a login"); return }
        #expect(login.time == time(2026, 7, 7, 6, 55, 15))
        #expect(login.serial == 2)
        #expect(login.iccid == "89860624400014310964")
        #expect(login.systemCount == 1 && login.codeLength == 0 && login.codes.isEmpty)
    }

    @Test func productionLogout2016() throws {
        let m = try message("232304fe483356323142413230535a3030333935330100081a0707063711000ae9")
        #expect(m.vin == "H3V21BA20SZ003953")
        #expect(m.payload == .logout(Logout(time: time(2026, 7, 7, 6, 55, 17), serial: 10)))
    }

    @Test func timeOnlyAck2016() throws {
        let m = try message("23230101484155563442474e365335303032323139010006190a1b14020236")
        #expect(m.command == .login && m.response == .success)
        guard case let .reply(reply) = m.payload else { Issue.record("not a reply"); return }
        #expect(reply.shape == .timeOnly)
        #expect(reply.time == time(2025, 10, 27, 20, 2, 2))
    }

    @Test func rtmConLogout2016() throws {
        let m = try message("232304fe484155563442474e365335303032323139010008190a1b1402020802c8")
        #expect(m.payload == .logout(Logout(time: time(2025, 10, 27, 20, 2, 2), serial: 2050)))
    }

    @Test func alarmOnly2016() throws {
        let m = try message("232302fe484155563442474e36533530303232313901002c190a1b14020207030000000300000007000100030008000200080003000c0004000d000100060920000a000bc9")
        guard case let .report(report) = m.payload, case let .alarm(alarm) = report.items.first else { Issue.record("no alarm"); return }
        #expect(report.items.count == 1)
        #expect(alarm.maxLevel == 3)
        #expect(alarm.flags == 0b11)
        #expect(alarm.storageFaults.isEmpty && alarm.motorFaults.isEmpty && alarm.engineFaults.isEmpty)
        #expect(alarm.otherFaults.count == 7)
        let flags = alarm.json(.v2016)["flags"]
        #expect(flags == .array([.string("temperature_difference"), .string("battery_high_temperature")]))
    }

    @Test func everyVehicleFieldInvalid2016() throws {
        let m = try message("232302fe484155563442474e36533530303232313901001b190a1b14020201ffffffffffffffffffffffffffffff3fffffffff16")
        guard case let .report(report) = m.payload, case let .vehicle(v) = report.items.first else { Issue.record("no vehicle data"); return }
        let f = VehicleData.Fields(.v2016)
        #expect(f.speed.reading(UInt32(v.speed)) == .invalid)
        #expect(f.mileage.reading(v.mileage) == .invalid)
        #expect(f.current.reading(UInt32(v.current)) == .invalid)
        #expect(f.soc.reading(UInt32(v.soc)) == .invalid)
        #expect(v.gear == 0x3F)
        // Insulation defines no sentinel in 2016: 0xFFFF is out of range, not "invalid".
        #expect(f.insulation.reading(UInt32(v.insulation)) == .outOfRange(0xFFFF))
        #expect(VehicleData.Fields(.v2025).insulation.reading(0xFFFF) == .invalid)
        #expect(f.brake.reading(UInt32(v.brake)) == .invalid)
    }

    @Test func activationAck2025() throws {
        let m = try message("24240afe48474c48334143463150413731343430380100020201a6")
        #expect(m.edition == .v2025 && m.command == .activationResponse)
        #expect(m.payload == .raw([0x02, 0x01]))
    }

    @Test func heartbeatAndItsEmptyReply() throws {
        let m = try message("232307FE4838323230363530303030303030303030010000BB")
        #expect(m.command == .heartbeat && m.payload == .empty)
        let reply = try message("23230701483832323036353030303030303030303001000044")
        #expect(reply.response == .success && reply.payload == .reply(Reply(data: [])))
    }

    @Test func timeSyncRequest() throws {
        let m = try message("232308FE4552523038303330303030303030303030010000B9")
        #expect(m.command == .timeSync && m.payload == .empty && m.vin == "ERR08030000000000")
    }

    @Test func loginWithSubsystemCodes2016() throws {
        let m = try message("232301fe4C46574144524A463031313030323334360100281206050B2C1D00013833363035333337393831363035343930313837020531303030313130303032C2")
        #expect(m.vin == "LFWADRJF011002346")
        guard case let .login(login) = m.payload else { Issue.record("not a login"); return }
        #expect(login.time == time(2018, 6, 5, 11, 44, 29))
        #expect(login.serial == 1)
        #expect(login.iccid == "83605337981605490187")
        #expect(login.systemCount == 2 && login.codeLength == 5 && login.codes == ["10001", "10002"])
    }

    @Test func loginAndItsTimeOnlyReply() throws {
        let m = try message("232301FE4C464E41344C4441394A4B4C303030383101001F120A1E10240000033839383631363136303230303134313030303032010131DF")
        guard case let .login(login) = m.payload else { Issue.record("not a login"); return }
        #expect(login.time == time(2018, 10, 30, 16, 36, 0) && login.serial == 3)
        let reply = try message("232301014c464e41344c4441394a4b4c3030303831010006120a1e10240000")
        guard case let .reply(r) = reply.payload else { Issue.record("not a reply"); return }
        #expect(r.shape == .timeOnly && r.time == login.time)
    }

    @Test func logoutAndReply() throws {
        let m = try message("232304FE4C5A595441474257394A313030343136340100081206161015150046EA")
        #expect(m.payload == .logout(Logout(time: time(2018, 6, 22, 16, 21, 21), serial: 70)))
        let reply = try message("232304014c5a595441474257394a313030343136340100061206161015155d")
        #expect(reply.payload == .reply(Reply(time: time(2018, 6, 22, 16, 21, 21))))
        let reissue = try message("232303014c464e41344c4441394a4b4c3030303831010006120a1e0f2b0a18")
        #expect(reissue.command == .reissue && reissue.response == .success)
    }

    @Test func zeroPaddedIdentity() throws {
        let m = try message("232301FE313233343536373839000000000000000001002A130116173738000131323334353637383939383736353433323130300304313233343435363739383730FD")
        #expect(m.vin == "123456789")
        guard case let .login(login) = m.payload else { Issue.record("not a login"); return }
        #expect(login.time == time(2019, 1, 22, 23, 55, 56))
        #expect(login.iccid == "12345678998765432100")
        #expect(login.codes == ["1234", "4567", "9870"])
    }

    @Test func fuelCellAndPosition2016() throws {
        let m = try message("232302fe314731424c353250375452313135353230010025100101023b000327102ee0afc80002787930d40a88b80b01f40c0105000000000a0000006404")
        guard case let .report(report) = m.payload, report.items.count == 2,
              case let .fuelCell(fc) = report.items[0], case let .position(p) = report.items[1] else {
            Issue.record("expected fuel cell + position"); return
        }
        typealias F = FuelCell.Fields
        #expect(F.voltage.reading(UInt32(fc.voltage)) == .value(1000))
        #expect(F.current.reading(UInt32(fc.current)) == .value(1200))
        #expect(F.consumption.reading(UInt32(fc.consumption)) == .value(450))
        #expect(fc.probeTemperatures.map { F.probeTemperature.reading(UInt32($0)) } == [.value(80), .value(81)])
        #expect(F.maxTemperature.reading(UInt32(fc.hydrogenMaxTemperature)) == .outOfRange(12_500))
        #expect(fc.hydrogenMaxConcentration == 35_000)
        #expect(F.maxPressure.reading(UInt32(fc.hydrogenMaxPressure)) == .value(50))
        #expect(fc.hydrogenMaxTemperatureProbe == 10 && fc.hydrogenMaxConcentrationSensor == 11 && fc.hydrogenMaxPressureSensor == 12)
        #expect(fc.dcdcState == 1)
        #expect(p.isValid && p.longitude == 10 && p.latitude == 100)
    }

    /// A 2025 report built by hand (no public sample carries 0x31/0x32) from [S25] Tables 25–26,
    /// with a sentinel or an out-of-range value in most fields; the values below were worked out
    /// by hand from the bytes, not by candor:
    ///
    ///     31 01 0bb8 7594 0003 0a8c fffe ffff 0002 41 fe
    ///        system 1, 300.0 V, 30100 − 30000 = 10.0 A, 3 cells: 2.7 V, abnormal, invalid; 2 probes: 25 °C, abnormal
    ///     32 01 0002 0a8c  01 0005 09c4  02 0003 5a  ff fffe 28
    ///        max 2.7 V (system 1, cell 2); min 2.5 V (1, 5); max 50 °C (2, probe 3);
    ///        min 0 °C, its system invalid, its probe id 65534 out of range (ids define no sentinel)
    @Test func superCapacitorBodies2025() throws {
        let m = try message("242402fe4c5343415030303030303030303030303101002b1a030f0a141e31010bb8759400030a8cfffeffff000241fe320100020a8c01000509c40200035afffffe2824")
        #expect(m.edition == .v2025 && m.command == .realtime && m.vin == "LSCAP000000000001")
        guard case let .report(report) = m.payload, report.items.count == 2,
              case let .superCapacitor(c) = report.items[0], case let .superCapacitorExtremes(e) = report.items[1] else {
            Issue.record("expected super-capacitor + extremes"); return
        }
        #expect(report.time == time(2026, 3, 15, 10, 20, 30))
        typealias C = SuperCapacitor.Fields
        #expect(C.system.reading(UInt32(c.system)) == .value(1))
        #expect(C.voltage.reading(UInt32(c.voltage)) == .value(300))
        #expect(C.current.reading(UInt32(c.current)) == .value(10))
        #expect(c.cellVoltages.map { C.cellVoltage.reading(UInt32($0)) } == [.value(2.7), .abnormal, .invalid])
        #expect(c.probeTemperatures.map { C.probeTemperature.reading(UInt32($0)) } == [.value(25), .abnormal])
        typealias E = SuperCapacitorExtremes.Fields
        #expect(E.voltage.reading(UInt32(e.maxVoltage)) == .value(2.7) && e.maxVoltageSystem == 1 && e.maxVoltageCell == 2)
        #expect(E.voltage.reading(UInt32(e.minVoltage)) == .value(2.5) && e.minVoltageSystem == 1 && e.minVoltageCell == 5)
        #expect(E.temperature.reading(UInt32(e.maxTemperature)) == .value(50) && e.maxTemperatureSystem == 2 && e.maxTemperatureProbe == 3)
        #expect(E.temperature.reading(UInt32(e.minTemperature)) == .value(0))
        #expect(E.system.reading(UInt32(e.minTemperatureSystem)) == .invalid)
        #expect(E.id.reading(UInt32(e.minTemperatureProbe)) == .outOfRange(65_534))

        // What `candor gbt32960 decode` prints for them: named bodies, values with units, statuses with raw values.
        let items = m.json()["report"]?["items"]
        guard case let .array(list)? = items, list.count == 2 else { Issue.record("items: \(String(describing: items))"); return }
        #expect(list[0].rendered == #"{"type":49,"name":"super_capacitor","data":{"system":{"value":1},"voltage":{"value":300,"unit":"V"},"current":{"value":10,"unit":"A"},"#
            + #""cell_voltages":[{"value":2.7,"unit":"V"},{"value":null,"status":"abnormal","raw":65534,"unit":"V"},{"value":null,"status":"invalid","raw":65535,"unit":"V"}],"#
            + #""probe_temperatures":[{"value":25,"unit":"°C"},{"value":null,"status":"abnormal","raw":254,"unit":"°C"}]}}"#)
        #expect(list[1].rendered == #"{"type":50,"name":"super_capacitor_extremes","data":{"#
            + #""max_voltage_system":{"value":1},"max_voltage_cell":{"value":2},"max_cell_voltage":{"value":2.7,"unit":"V"},"#
            + #""min_voltage_system":{"value":1},"min_voltage_cell":{"value":5},"min_cell_voltage":{"value":2.5,"unit":"V"},"#
            + #""max_temperature_system":{"value":2},"max_temperature_probe":{"value":3},"max_temperature":{"value":50,"unit":"°C"},"#
            + #""min_temperature_system":{"value":null,"status":"invalid","raw":255},"min_temperature_probe":{"value":null,"status":"out_of_range","raw":65534},"#
            + #""min_temperature":{"value":0,"unit":"°C"}}}"#)
    }

    @Test func badChecksumIsReportedNotThrown() throws {
        var raw = try #require(bytes(hex: "232304fe483356323142413230535a3030333935330100081a0707063711000ae9"))
        raw[raw.count - 1] ^= 0x01
        let (_, valid) = try Frame.decode(raw)
        #expect(!valid)
    }
}
