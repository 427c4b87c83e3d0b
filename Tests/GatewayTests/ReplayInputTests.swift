import CANCapture
import CANCore
import Gateway
import Telemetry
import Testing

/// A small hand-written setup: one DBC, captures written as candump log text.
struct SmallBundle {
    static let dbc = """
        VERSION ""
        BS_:
        BU_: ECU
        BO_ 256 Speed: 8 ECU
         SG_ VehicleSpeed : 0|16@1+ (0.01,0) [0|655.35] "km/h" ECU
        BO_ 512 Pack: 8 ECU
         SG_ PackVoltage : 0|16@1+ (0.1,0) [0|6553.5] "V" ECU
        BA_DEF_ BO_ "GenMsgCycleTime" INT 0 10000;
        BA_ "GenMsgCycleTime" BO_ 256 100;
        """
    let directory: String

    init(_ name: String, config: String? = nil) throws {
        directory = try TemporaryDirectory.make(name)
        try TestFile.write(Self.dbc, to: directory + "/small.dbc")
        try TestFile.write(config ?? Self.config(), to: directory + "/candor.yaml")
    }

    static func config(buses: [String] = ["can0", "can1"], speedSignal: String = "VehicleSpeed") -> String {
        var text = "version: 1\nvehicles:\n  car01:\n    buses:\n"
        for bus in buses { text += "      \(bus): { dbc: small.dbc, bitrate: 500000 }\n" }
        text += "    signals:\n      vehicle_speed: { bus: \(buses[0]), message: Speed, signal: \(speedSignal) }\n"
        return text
    }

    /// Writes a candump log: `(seconds, bus, hex id, hex data)` lines as given.
    func capture(_ name: String, _ frames: [(Double, String, String, String)]) throws -> String {
        var text = ""
        for (t, bus, id, data) in frames {
            let micros = Int((t * 1e6).rounded())
            var fraction = "\(micros % 1_000_000)"
            while fraction.count < 6 { fraction = "0" + fraction }
            text += "(\(micros / 1_000_000).\(fraction)) \(bus) \(id)#\(data)\n"
        }
        let path = directory + "/" + name
        try TestFile.write(text, to: path)
        return path
    }

    func setup() throws -> GatewaySetup {
        try GatewaySetup.load(configFile: directory + "/candor.yaml", environment: [:])
    }
}

final class FakeClock: ReplayClock {
    var time: Int64 = 5_000_000_000
    var sleeps: [Int64] = []
    func now() -> Int64 { time }
    func sleep(until deadline: Int64) {
        sleeps.append(deadline)
        time = max(time, deadline)
    }
}

@Suite struct ReplayInputTests {
    @Test func capturesAndBusesMergeByTimestamp() throws {
        let bundle = try SmallBundle("merge")
        let a = try bundle.capture("a.log", [(1.0, "can0", "100", "01"), (3.0, "can0", "100", "03"), (5.0, "can1", "200", "05")])
        let b = try bundle.capture("b.log", [(2.0, "can1", "200", "02"), (3.0, "can1", "200", "13"), (4.0, "can0", "100", "04"), (6.0, "can1", "200", "06")])
        let merge = try CaptureMerge(paths: [a, b])
        var order: [(Int64, String, UInt8)] = []
        while let frame = try merge.next() { order.append((frame.timestamp.totalNanoseconds / 1_000_000_000, frame.bus, frame.data[0])) }
        #expect(order.map(\.2) == [0x01, 0x02, 0x03, 0x13, 0x04, 0x05, 0x06], "by time; a tie goes to the capture given first")
        #expect(order.map(\.1) == ["can0", "can1", "can0", "can1", "can0", "can1", "can1"])
        #expect(merge.framesRead == [3, 4] && merge.outOfOrderFrames == [0, 0])
    }

    @Test func outOfOrderFramesAreCountedAndLateOnesNotAggregated() throws {
        let bundle = try SmallBundle("order")
        let path = try bundle.capture("c.log", [
            (10.0, "can0", "100", "E803000000000000"), (11.2, "can0", "100", "E803000000000000"), (10.5, "can0", "100", "E803000000000000"),
            (11.3, "can0", "100", "E803000000000000"), (11.25, "can0", "100", "E803000000000000"), (12.0, "can0", "100", "E803000000000000"),
        ])
        var records: [TelemetryRecord] = []
        let result = try ReplayPipeline(setup: try bundle.setup()).run(try CaptureMerge(paths: [path])) { records.append(contentsOf: $0) }
        #expect(result.frames == 6)
        #expect(result.outOfOrderFrames.map(\.count) == [2])
        #expect(result.lateFrames == 1, "10.5 s arrives after the window [10 s, 11 s) closed; 11.25 s is still in an open window")
        let oneSecond = records.compactMap { r -> SignalWindowRecord? in
            if case .signalWindow(let w) = r, w.windowLength == 1_000_000_000 { w } else { nil }
        }
        #expect(oneSecond.map(\.count) == [1, 3, 1], "windows 10 s, 11 s (with the in-window out-of-order frame), 12 s")
    }

    @Test func unknownBusIsReportedOnceAndIgnored() throws {
        let bundle = try SmallBundle("unknown", config: SmallBundle.config(buses: ["can0"]))
        let path = try bundle.capture("c.log", [
            (1.0, "can0", "100", "E803000000000000"), (1.1, "can7", "100", "E803000000000000"), (1.2, "can7", "100", "E803000000000000"), (1.3, "can0", "100", "E803000000000000"),
        ])
        var reported: [String] = []
        let events = ReplayEvents(unknownBus: { reported.append($0) })
        let result = try ReplayPipeline(setup: try bundle.setup()).run(try CaptureMerge(paths: [path]), events: events) { _ in }
        #expect(reported == ["can7"])
        #expect(result.unknownBuses.map(\.bus) == ["can7"] && result.unknownBuses.map(\.frames) == [2])
        #expect(result.summaries[0].frames.map(\.count) == [2])
        #expect(abs(result.summaries[0].distanceKm - 10.0 * 0.3 / 3600) < 1e-12, "10 km/h for 0.3 s")
    }

    @Test func realtimePacesOnTheCapturesClock() throws {
        let bundle = try SmallBundle("realtime")
        let path = try bundle.capture("c.log", [
            (100.0, "can0", "100", "00"), (100.5, "can0", "100", "00"), (100.5005, "can0", "100", "00"), (102.0, "can1", "200", "00"),
        ])
        let clock = FakeClock()
        let result = try ReplayPipeline(setup: try bundle.setup()).run(try CaptureMerge(paths: [path]), realtime: clock) { _ in }
        #expect(result.frames == 4)
        #expect(clock.sleeps == [5_500_000_000, 7_000_000_000], "no sleep for a frame less than 1 ms ahead")
    }

    @Test func speedPacesTheCapturesClockFaster() throws {
        let bundle = try SmallBundle("speed")
        let path = try bundle.capture("c.log", [
            (100.0, "can0", "100", "00"), (100.5, "can0", "100", "00"), (100.505, "can0", "100", "00"), (102.0, "can1", "200", "00"),
        ])
        let clock = FakeClock()
        let result = try ReplayPipeline(setup: try bundle.setup()).run(try CaptureMerge(paths: [path]), realtime: clock, speed: 10) { _ in }
        #expect(result.frames == 4)
        #expect(clock.sleeps == [5_050_000_000, 5_200_000_000], "0.5 s and 2 s of capture at ten times: 50 ms and 200 ms; 0.505 s plays at 50.5 ms, less than 1 ms ahead: no sleep")
    }

    @Test func semanticMapSignalMissingFromTheDBCNamesItsKeyPath() throws {
        let bundle = try SmallBundle("badsignal", config: SmallBundle.config(speedSignal: "VehSpd"))
        #expect {
            _ = try bundle.setup()
        } throws: { error in
            let description = (error as? ConfigError)?.description ?? ""
            return description.hasSuffix("candor.yaml:8:59: vehicles.car01.signals.vehicle_speed.signal: expected a signal of Speed on can0, found \"VehSpd\"")
        }
    }

    @Test func unreadableDBCNamesItsKeyPath() throws {
        let bundle = try SmallBundle("nodbc", config: "version: 1\nvehicles:\n  car01:\n    buses:\n      can0: { dbc: missing.dbc, bitrate: 500000 }\n")
        #expect {
            _ = try bundle.setup()
        } throws: { error in
            let description = (error as? ConfigError)?.description ?? ""
            return description.contains("candor.yaml:5:20: vehicles.car01.buses.can0.dbc: ") && description.contains("missing.dbc: cannot open")
        }
    }

    @Test func dbcOnlyReplayHasOneVehicleWithTheCapturesBuses() throws {
        let bundle = try SmallBundle("dbconly")
        let path = try bundle.capture("c.log", [(1.0, "can3", "100", "E803000000000000"), (1.5, "can4", "200", "0100"), (2.5, "can3", "100", "E803000000000000")])
        let setup = try GatewaySetup(dbcPath: bundle.directory + "/small.dbc", interfaces: ["can3", "can4"], bitrate: 250_000)
        #expect(!setup.hasOperations)
        var records: [TelemetryRecord] = []
        let result = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [path])) { records.append(contentsOf: $0) }
        #expect(result.summaries.map(\.vehicle) == ["vehicle"])
        #expect(result.summaries[0].frames.map(\.name) == ["can3", "can4"] && result.summaries[0].frames.map(\.count) == [2, 1])
        #expect(records.contains { if case .busHealth(let b) = $0 { b.bus == "can4" } else { false } })
        let table = ReplaySummary.table(result, operations: false)
        #expect(table.contains("no --config"))
    }
}
