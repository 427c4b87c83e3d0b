import Foundation
@testable import Telemetry
import Testing
@testable import Gateway

@Suite struct SinksFormatTests {
    @Test func signalWindowAsJSONLine() {
        #expect(JSONLinesFormat.line(.signalWindow(SinksFixtures.signalWindow())) == """
            {"bus":"can0","count":100,"first_time":1700000000.000100,"kind":"signal_window","last":80.5,"last_time":1700000000.999900,"max":80.5,"mean":80.25,"message":"BMS_1","min":80.0,"signal":"SOC","start":1700000000.000000,"stddev":0.1,"vehicle":"van01","window":"1s"}

            """)
    }

    @Test func signalWindowAsLineProtocol() {
        #expect(LineProtocolFormat.line(.signalWindow(SinksFixtures.signalWindow(length: 60 * SinksFixtures.second))) == """
            candor_signal,bus=can0,message=BMS_1,signal=SOC,vehicle=van01,window=60s count=100i,first_time=1700000000000100000i,last=80.5,last_time=1700000000999900000i,max=80.5,mean=80.25,min=80.0,stddev=0.1 1700000000000000000

            """)
    }

    @Test func busHealthAndFaultLines() {
        #expect(LineProtocolFormat.line(.busHealth(SinksFixtures.busHealth())) == """
            candor_bus_health,bus=can0,vehicle=van01,window=60s bus_load_percent=31.5,bus_load_worst_case_percent=38.25,decode_errors=1i,error_bus-off=1i,error_frames=2i,error_restarted-after-bus-off=1i,frames=6000i,frames_per_second=100.0,late_frames=0i,max_rx_error_count=128i,max_tx_error_count=0i,unknown_frames=3i 1700000000000000000

            """)
        #expect(JSONLinesFormat.line(.busHealth(SinksFixtures.busHealth())) == """
            {"bus":"can0","bus_load_percent":31.5,"bus_load_worst_case_percent":38.25,"decode_errors":1,"error_frames":2,"error_frames_by_class":{"bus-off":1,"restarted-after-bus-off":1},"frames":6000,"frames_per_second":100.0,"kind":"bus_health","late_frames":0,"max_rx_error_count":128,"max_tx_error_count":0,"start":1700000000.000000,"unknown_frames":3,"vehicle":"van01","window":"60s"}

            """)
        // No target: the tag is left out, not written empty.
        #expect(LineProtocolFormat.line(.faultEpisode(SinksFixtures.fault())) == """
            candor_fault_episode,kind=over_temperature,vehicle=van01 end=1700000009000000000i,level=2i,open=false 1700000007000000000

            """)
        #expect(JSONLinesFormat.line(.faultEpisode(SinksFixtures.fault(target: "can0"))) == """
            {"end":1700000009.000000,"fault":"bus_off","kind":"fault_episode","level":2,"open":false,"start":1700000007.000000,"target":"can0","vehicle":"van01"}

            """)
    }

    @Test func messageHealthLine() {
        #expect(LineProtocolFormat.line(.messageHealth(SinksFixtures.messageHealth())) == """
            candor_message_health,bus=can0,message=BMS_1,vehicle=van01,window=1s checksum_errors=2i,counter_errors=1i,decode_errors=0i,expected_period_ns=10000000i,frames=100i,max_gap_ns=12000000i,mean_period_s=0.01,period_jitter_s=1e-05,period_source="database",rate=100.0,silent=false,timeouts=0i 1700000000000000000

            """)
    }

    @Test func operationsRecords() {
        let trip = SinksFixtures.trip(index: 3)
        #expect(JSONLinesFormat.line(.operations(trip)) == #"{"kind":"operations","scope":"trip","summary":"#
            + OperationsSummaryJSON.text(trip) + #","trip":3}"# + "\n")
        let line = LineProtocolFormat.line(.operations(trip))
        #expect(line.hasPrefix("candor_operations,scope=trip,vehicle=van01 brake_applications=7i,charge_energy_kwh=0.0,"))
        #expect(line.contains(",max_motor_temp_c=65.0,"))
        #expect(line.contains(",trip=3i,trips=0i 1700000000000000000\n"))
        #expect(!line.contains("min_cell_temp_c"))  // unknown figures are left out
        // Field keys in sorted order.
        let fields = line.split(separator: " ")[1].split(separator: ",").map { String($0.split(separator: "=")[0]) }
        #expect(fields == fields.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func lineProtocolEscaping() {
        var record = SinksFixtures.signalWindow()
        record.vehicle = "van 01,fleet=a"
        record.message = "M\"x\\"
        record.signal = "line\nbreak"
        record.bus = ""
        record.mean = .nan
        record.maximum = .infinity
        #expect(LineProtocolFormat.line(.signalWindow(record)) == #"""
            candor_signal,message=M"x\,signal=line\nbreak,vehicle=van\ 01\,fleet\=a,window=1s count=100i,first_time=1700000000000100000i,last=80.5,last_time=1700000000999900000i,min=80.0,stddev=0.1 1700000000000000000

            """#)
        #expect(LineProtocolFormat.escapedKey("a b,c=d") == #"a\ b\,c\=d"#)
        var fault = SinksFixtures.fault()
        fault.kind = "over temp"
        #expect(LineProtocolFormat.line(.faultEpisode(fault)).hasPrefix(#"candor_fault_episode,kind=over\ temp,vehicle=van01 "#))
    }

    @Test func jsonEscapingAndNonFiniteNumbers() throws {
        var record = SinksFixtures.signalWindow()
        record.signal = "T\"é\n"
        record.mean = .nan
        record.maximum = -.infinity
        let line = JSONLinesFormat.line(.signalWindow(record))
        #expect(line.contains(#""max":"-Infinity","mean":"NaN","#))
        #expect(line.contains(#""signal":"T\"\u00e9\n""#))
        #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
    }

    /// The two hot records are written into scratch sized up front (`JSONMembers`); with every
    /// value at its longest — strings that escape to six bytes a character, the longest
    /// doubles and integers, negative times — the line still fits (a debug build asserts on
    /// every byte written) and reads back. Python's `json` reads the same lines in the
    /// golden and uplink checks.
    @Test func theHotRecordsWithTheirLongestValuesFitTheirScratch() throws {
        let escaped = String(repeating: "\u{1}", count: 300)
        var window = SinksFixtures.signalWindow(signal: escaped)
        window.vehicle = String(repeating: "\u{7f}", count: 200)
        window.bus = String(repeating: "é", count: 100)
        window.message = String(repeating: "\"", count: 100)
        window.count = Int.max
        window.minimum = -Double.leastNormalMagnitude.nextUp
        window.maximum = -.greatestFiniteMagnitude
        window.mean = .nan
        window.last = -.infinity
        window.standardDeviation = 1.2345678901234567e+300
        window.windowStart = -9_000_000_000_000_000_123
        window.firstTime = 9_000_000_000_000_000_001
        window.lastTime = -1
        window.windowLength = 7
        let line = JSONLinesFormat.line(.signalWindow(window))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["signal"] as? String == escaped && object["message"] as? String == window.message)
        #expect(object["count"] as? Int == Int.max && object["window"] as? String == "7ns")
        #expect(line.contains(#""first_time":9000000000.000000001,"#) && line.contains(#""start":-9000000000.000000123,"#), "\(line)")

        var health = SinksFixtures.messageHealth()
        health.message = escaped
        health.vehicle = String(repeating: "\\", count: 250)
        health.bus = String(repeating: "\n", count: 120)
        health.expectedPeriod = .min
        health.maxGap = .max
        health.frames = .min
        health.timeouts = .max
        health.checksumErrors = .min
        health.counterErrors = .max
        health.decodeErrors = .min
        health.meanPeriod = -2.2250738585072014e-308
        health.periodJitter = -1.7976931348623157e+308
        health.rate = .leastNonzeroMagnitude
        health.silent = true
        health.windowLength = 1_500_000
        let healthLine = JSONLinesFormat.line(.messageHealth(health))
        let read = try #require(try JSONSerialization.jsonObject(with: Data(healthLine.utf8)) as? [String: Any])
        #expect(read["message"] as? String == escaped && read["vehicle"] as? String == health.vehicle && read["bus"] as? String == health.bus)
        #expect(healthLine.contains(#""expected_period_ns":-9223372036854775808,"#) && healthLine.contains(#""window":"1500us"}"#), "\(healthLine)")
        #expect(healthLine.contains(#""rate":5e-324,"#) && healthLine.contains(#""silent":true,"#), "\(healthLine)")
    }

    @Test func fileSinksAreDeterministicByteForByte() throws {
        let directory = SinksFixtures.directory("files")
        let records = SinksFixtures.all()
        var outputs: [String: Data] = [:]
        for run in 0..<2 {
            let jsonl = try JSONLinesSink(path: directory + "/\(run).jsonl", mode: .truncate)
            let lp = try LineProtocolSink(path: directory + "/\(run).lp", mode: .truncate)
            for record in records {  // one record per write, then all at once: same bytes
                try jsonl.write(run == 0 ? [record] : [])
                try lp.write(run == 0 ? [record] : [])
            }
            if run == 1 {
                try jsonl.write(records)
                try lp.write(records)
            }
            try jsonl.close()
            try lp.close()
            outputs["\(run).jsonl"] = FileManager.default.contents(atPath: directory + "/\(run).jsonl")
            outputs["\(run).lp"] = FileManager.default.contents(atPath: directory + "/\(run).lp")
        }
        #expect(outputs["0.jsonl"] == outputs["1.jsonl"])
        #expect(outputs["0.lp"] == outputs["1.lp"])
        let lines = String(decoding: outputs["0.jsonl"]!, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == records.count + 1 && lines.last == "")
        #expect(String(decoding: outputs["0.lp"]!, as: UTF8.self).split(separator: "\n").count == records.count)
    }

    @Test func appendModeKeepsWhatIsThere() throws {
        let path = SinksFixtures.directory("append") + "/m.jsonl"
        for _ in 0..<2 {
            let sink = try JSONLinesSink(path: path)
            try sink.write([.silentEpisode(SinksFixtures.silent())])
            try sink.flush()
            try sink.close()
        }
        let text = String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self)
        #expect(text == JSONLinesFormat.line(.silentEpisode(SinksFixtures.silent())) + JSONLinesFormat.line(.silentEpisode(SinksFixtures.silent())))
        let truncated = try JSONLinesSink(path: path, mode: .truncate)
        try truncated.close()
        #expect(FileManager.default.contents(atPath: path)!.isEmpty)
    }

    @Test func anUnwritablePathIsAnIOError() {
        #expect {
            _ = try LineProtocolSink(path: "/nonexistent-dir/x.lp")
        } throws: { error in
            (error as! SinkError).kind == .io && (error as! SinkError).description.hasPrefix("/nonexistent-dir/x.lp: cannot open for writing: ")
        }
    }
}
