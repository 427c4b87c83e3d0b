import CANCapture
import Foundation
@testable import Gateway
import Telemetry
import Testing

/// The records the uplink sends, both directions of their JSON: `JSONLinesFormat.append`
/// (with `OperationsSummaryJSON.append` inside) and `JSONLinesFormat.record` (with
/// `OperationsSummaryJSON.summary`), which the fleet collector reads them with.
@Suite struct RecordJSONRoundTripTests {
    static let fleet = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Fixtures/captures/fleet/"

    /// Every record of two fixture bundles (every window length, health, episodes, operations of
    /// every scope) encoded and decoded is the record it was (NaN equal to NaN; the summary's
    /// per-name temperatures come back in key order), and encodes to the same bytes again.
    @Test func everyRecordOfTheBundlesDecodesToItself() throws {
        var checked: [String: Int] = [:]
        for name in ["van-urban-faults", "fcev-urban"] {
            let setup = try GatewaySetup.load(configFile: Self.fleet + name + "/candor.yaml", environment: [:])
            _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [Self.fleet + name + "/capture.log.gz"])) { batch in
                for record in batch {
                    var line: [UInt8] = []
                    JSONLinesFormat.append(record, to: &line)
                    let back = try JSONLinesFormat.record(line: line)
                    #expect(Self.same(Self.ordered(back), Self.ordered(record)), "\(String(decoding: line, as: UTF8.self))")
                    var again: [UInt8] = []
                    JSONLinesFormat.append(back, to: &again)
                    #expect(again == line)
                    checked[String(String(decoding: line, as: UTF8.self).split(separator: "\"kind\":\"")[1].prefix { $0 != "\"" }), default: 0] += 1
                }
            }
        }
        print("RecordJSONRoundTripTests: \(checked.sorted { $0.key < $1.key })")
        for kind in ["signal_window", "message_health", "bus_health", "fault_episode", "silent_episode", "operations"] {
            #expect(checked[kind, default: 0] > 0, "no \(kind) record in the fixtures")
        }
    }

    @Test func timesAndDurationsAreReadExactly() {
        #expect(JSONFields.nanoseconds("1767225600.000100") == 1_767_225_600_000_100_000)
        #expect(JSONFields.nanoseconds("1767225600.123456789") == 1_767_225_600_123_456_789)
        #expect(JSONFields.nanoseconds("-1.5") == -1_500_000_000)
        #expect(JSONFields.nanoseconds("1.1234567891") == nil && JSONFields.nanoseconds("1e3") == nil && JSONFields.nanoseconds("99999999999.0") == nil)
        #expect(JSONFields.nanoseconds("9223372036.999999999") == nil, "the fraction carries past Int64")
        #expect((try? JSONFields(.object([("w", .string("500ms"))])).duration("w")) == 500_000_000)
        #expect((try? JSONFields(.object([("w", .string("60s"))])).duration("w")) == 60_000_000_000)
        #expect((try? JSONFields(.object([("w", .string("9223372037s"))])).duration("w")) == nil)
    }

    @Test func malformedJSONIsRefusedWithItsOffset() {
        for bad in ["", "{", "{\"a\":}", "[1,]", "01", "\"\\x\"", "{\"a\":1}x", "\"\u{01}\"", String(repeating: "[", count: 40)] {
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(bad.utf8)) }
        }
        #expect((try? JSONParser.parse(Array(#"{"a":[1,-2.5e3,"\u00e9\ud83d\ude00",true,null]}"#.utf8))) ==
            .object([("a", .array([.number("1"), .number("-2.5e3"), .string("é😀"), .bool(true), .null]))]))
    }

    /// The summary's temperatures by name (the JSON keeps them under sorted keys).
    static func ordered(_ record: TelemetryRecord) -> TelemetryRecord {
        guard case .operations(var s) = record else { return record }
        s.maxTemperatures.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        return .operations(s)
    }

    /// Structural equality through `Mirror`, NaN equal to NaN (`==` on the records is IEEE's).
    static func same(_ a: Any, _ b: Any) -> Bool {
        if let x = a as? Double, let y = b as? Double { return x == y || (x.isNaN && y.isNaN) }
        let ma = Mirror(reflecting: a), mb = Mirror(reflecting: b)
        guard ma.children.count == mb.children.count, ma.displayStyle == mb.displayStyle else { return false }
        if ma.children.isEmpty { return String(reflecting: a) == String(reflecting: b) }
        return zip(ma.children, mb.children).allSatisfy { $0.label == $1.label && same($0.value, $1.value) }
    }
}
