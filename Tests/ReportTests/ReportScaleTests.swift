import Foundation
import Gateway
import Testing
@testable import Telemetry

/// A report over 30 vehicles × 30 days, the store written through `SQLiteStore` from
/// simulated records (day and trip summaries, alarms, silent messages, 10-minute SOC and
/// bus-health windows): it builds (no speed bound here: the host is shared; a generous
/// deadline only catches a hang, and the CPU time is printed), holds every vehicle-day and
/// trip, and the HTML stays small.
@Suite struct ReportScaleTests {
    static let seed: UInt64 = 30_30
    static let vehicles = 30, days = 30

    /// Deterministic numbers (an LCG; the seed is printed).
    struct Numbers {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    static func writeStore(_ path: String) throws {
        print("ReportScaleTests: seed \(seed)")
        var numbers = Numbers(state: seed)
        let store = try SQLiteStore(path: path)
        let t0: Int64 = 1_767_225_600_000_000_000, day: Int64 = 86_400_000_000_000, window: Int64 = 600_000_000_000
        for d in 0..<days {
            var records: [TelemetryRecord] = []
            for v in 0..<vehicles {
                let name = ["van", "bus", "fcev"][v % 3] + (v < 9 ? "0" : "") + String(v + 1)
                let start = t0 + Int64(d) * day
                var summary = OperationsSummary(vehicle: name, scope: .day, start: start, end: start + day - 1_000_000_000)
                summary.distanceKm = 80 + 120 * numbers.next()
                summary.tractionEnergyKWh = summary.distanceKm * (0.15 + 0.1 * numbers.next())
                summary.regenEnergyKWh = summary.tractionEnergyKWh * 0.12
                summary.socStart = 95
                summary.socEnd = 30 + 20 * numbers.next()
                summary.maxCellSpread = 0.01 + 0.03 * numbers.next()
                summary.maxCellTemperature = 20 + 15 * numbers.next()
                summary.drivingSeconds = summary.distanceKm / 25 * 3600
                for trip in 0..<4 {
                    let a = start + Int64(6 + trip * 3) * 3_600_000_000_000
                    summary.trips.append(TripFigure(index: d * 4 + trip, start: a, end: a + 7_200_000_000_000, distanceKm: summary.distanceKm / 4))
                    var t = OperationsSummary(vehicle: name, scope: .trip(index: d * 4 + trip), start: a, end: a + 7_200_000_000_000)
                    t.distanceKm = summary.distanceKm / 4
                    records.append(.operations(t))
                }
                records.append(.operations(summary))
                if numbers.next() < 0.3 {
                    let a = start + Int64(numbers.next() * 80_000) * 1_000_000_000
                    records.append(.faultEpisode(FaultEpisode(vehicle: name, kind: "over_temperature", level: 1 + Int(numbers.next() * 3), start: a, end: a + 60_000_000_000, open: false)))
                }
                for w in 0..<144 {
                    let ws = start + Int64(w) * window
                    let soc = 95 - Double(w) / 144 * 60
                    records.append(.signalWindow(SignalWindowRecord(
                        vehicle: name, bus: "can0", message: "BMS_PackStatus", signal: "BMS_SOC", windowStart: ws, windowLength: window,
                        count: 600, minimum: soc, maximum: soc, mean: soc, last: soc, standardDeviation: 0, firstTime: ws, lastTime: ws + window - 1)))
                    for bus in ["can0", "can1"] {
                        records.append(.busHealth(BusHealthRecord(
                            vehicle: name, bus: bus, windowStart: ws, windowLength: window, frames: 600_000, framesPerSecond: 1000,
                            busLoadPercent: 20 + 30 * numbers.next(), busLoadWorstCasePercent: 60, errorFrames: 0,
                            errorFramesByClass: [], maxTxErrorCount: 0, maxRxErrorCount: 0, unknownFrames: 0, decodeErrors: 0, lateFrames: 0)))
                    }
                }
            }
            try store.write(records)
        }
        try store.close()
    }

    @Test func thirtyVehiclesThirtyDaysBuildAndStaySmall() throws {
        let folder = try Tool.temporaryDirectory("scale")
        // CANDOR_KEEP_REPORT=1 keeps the store and report (to look at them, or measure).
        defer { if ProcessInfo.processInfo.environment["CANDOR_KEEP_REPORT"] != "1" { try? FileManager.default.removeItem(atPath: folder) } }
        let store = folder + "/fleet.db"
        try Self.writeStore(store)
        // The deadline is against a hang, not a speed figure (README states the measured CPU time).
        let run = try Tool.run("/usr/bin/time", ["-f", "cpu %U user %S sys, max RSS %M KiB", Tool.candor, "report", "--store", store, "--output", folder + "/r.html"], timeout: 600)
        #expect(run.status == 0, "\(run.stderr)")
        let size = (try FileManager.default.attributesOfItem(atPath: folder + "/r.html")[.size] as? Int) ?? 0
        let storeSize = (try FileManager.default.attributesOfItem(atPath: store)[.size] as? Int) ?? 0
        print("ReportScaleTests: 30 vehicles × 30 days, store \(storeSize / 1024) KiB; report \(size / 1024) KiB, \(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        #expect(size < 4 * 1024 * 1024)
        let html = try String(contentsOfFile: folder + "/r.html", encoding: .utf8)
        #expect(html.contains("<td>van01</td><td>2026-01-30</td>"))
        #expect(!html.contains("NaN"))
        // Every vehicle-day is a row of the day table, every trip a row of its vehicle's page.
        func rows(of table: String) -> Int {
            guard let start = html.range(of: "<table id=\"\(table)\">"), let end = html[start.upperBound...].range(of: "</table>") else { return -1 }
            return html[start.upperBound..<end.lowerBound].components(separatedBy: "<tr>").count - 2  // minus the part before the first row and the header
        }
        #expect(rows(of: "vehicle-days") == Self.vehicles * Self.days)
        #expect(rows(of: "trips-v-van01") == 4 * Self.days)
    }
}
