import Testing
import CANDatabase
@testable import FleetSimulator
#if canImport(Glibc)
import Glibc
#endif

/// Our DBC files: the embedded text is the fixture, and each loads with no diagnostics.
@Suite struct FleetDBCTests {
    static let fixtureDirectory: String = {
        // Tests/FleetSimulatorTests/FleetDBCTests.swift -> repository root
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/Fixtures/dbc/fleet"
    }()

    @Test(arguments: FleetDBC.files.map(\.name))
    func embeddedTextIsTheFixture(name: String) throws {
        let embedded = FleetDBC.files.first { $0.name == name }!.text
        let path = Self.fixtureDirectory + "/" + name
        let onDisk = try SimulatedCapture.read(path)
        let same = onDisk == Array(embedded.utf8)
        #expect(same, "\(name): \(onDisk.count) bytes on disk, \(embedded.utf8.count) embedded; regenerate with python3 Fixtures/dbc/fleet/make_fleet_dbcs.py")
    }

    @Test(arguments: FleetDBC.files.map(\.name))
    func loadsWithoutDiagnostics(name: String) {
        let text = FleetDBC.files.first { $0.name == name }!.text
        let result = DBCParser.parse(Array(text.utf8), file: name)
        for d in result.diagnostics { print(d) }
        #expect(!result.hasErrors)
        #expect(result.diagnostics.filter { $0.severity >= .warning }.isEmpty)
        let db = result.database
        for m in db.messages {
            #expect(m.cycleTime.map { (10...1000).contains($0) } == true, "\(m.name) cycle time")
            #expect(m.comment != nil, "\(m.name) comment")
            #expect(!m.signals.isEmpty)
        }
    }

    @Test func theBusCarriesJ1939AndFDAndAMultiplexedCellMessage() {
        let bus = FleetVehicle.bus.definition
        let j1939 = DBCParser.parse(Array(bus.buses[0].dbcText.utf8), file: "pt").database
        #expect(j1939.messages.allSatisfy { $0.isExtended })
        let fd = DBCParser.parse(Array(bus.buses[1].dbcText.utf8), file: "fd").database
        #expect(fd.messages.allSatisfy { $0.isFD && $0.length == 64 && $0.bitRateSwitch == true })
        let battery = DBCParser.parse(Array(bus.buses[2].dbcText.utf8), file: "bat").database
        let cells = battery.message(named: "BMS_CellVoltages")!
        #expect(cells.signals.filter { $0.multiplexer != nil }.count == 384)
    }

    @Test func protectedMessagesDocumentTheirAlgorithm() {
        for vehicle in FleetVehicle.allCases {
            let d = vehicle.definition
            for bus in d.buses {
                let db = DBCParser.parse(Array(bus.dbcText.utf8), file: bus.dbcFile).database
                for (name, p) in d.protection {
                    guard let m = db.message(named: name) else { continue }
                    let comment = m.signal(named: p.checksumSignal)?.comment ?? ""
                    #expect(comment.contains(p.algorithm == .crc8SAEJ1850 ? "CRC-8 SAE J1850" : "XOR"), "\(name)")
                    #expect(m.signal(named: p.counterSignal)?.comment?.contains("Rolling counter") == true)
                }
            }
        }
    }
}
