import CANCore
import Testing
@testable import Telemetry

/// Operations figures on synthetic profiles with analytic answers. Profiles are piecewise
/// linear with their breakpoints on sample times, so the trapezoid rule is exact and the
/// expected values are the closed-form integrals.
struct OperationsTests {
    let ms = Fixture.millisecond
    let s = Fixture.second

    /// Piecewise-linear interpolation through `points` (time in seconds, value).
    func linear(_ points: [(Double, Double)], at t: Double) -> Double {
        if t <= points[0].0 { return points[0].1 }
        for i in 1..<points.count where t <= points[i].0 {
            let (t0, v0) = points[i - 1], (t1, v1) = points[i]
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
        }
        return points.last!.1
    }

    func vehicleSummary(_ records: [TelemetryRecord]) throws -> OperationsSummary {
        try #require(records.operations.first { $0.scope == .vehicle })
    }

    @Test func distanceOfAccelerateCruiseBrake() throws {
        var aggregator = try Fixture.aggregator()
        // 0 -> 72 km/h in 20 s, 10 s at 72 km/h, 72 -> 0 in 20 s: 200 m + 200 m + 200 m.
        let profile: [(Double, Double)] = [(0, 0), (20, 72), (30, 72), (50, 0), (60, 0)]
        for i in 0...600 {
            let t = Double(i) / 10
            aggregator.feed(Int64(i) * 100 * ms, message: 0, values: [linear(profile, at: t), 0])
        }
        aggregator.finish()
        let summary = try vehicleSummary(aggregator.takeRecords())
        #expect(abs(summary.distanceKm - 0.6) < 1e-12)
        #expect(abs(summary.drivingSeconds + summary.idleSeconds - 60) < 1e-9)
        #expect(summary.drivingSeconds > 49 && summary.drivingSeconds < 50)
        #expect(summary.chargingSeconds == 0)
    }

    func energyRun(positive: CurrentDirection) throws -> OperationsSummary {
        var config = Fixture.configuration()
        config.vehicles[0].rules.signals.packCurrentPositive = positive
        var aggregator = try Fixture.aggregator(config)
        let sign = positive == .discharge ? 1.0 : -1.0
        // Driving: 0 -> 200 A in 10 s, 200 -> -100 A in 30 s (zero at 30 s), -100 A for 10 s,
        // back to 0 at 51 s. Then charging from 51 s: 0 -> -50 A in 1 s, -50 A for 100 s, 0 at 153 s.
        let current: [(Double, Double)] = [(0, 0), (10, 200), (40, -100), (50, -100), (51, 0), (52, -50), (152, -50), (153, 0), (160, 0)]
        for i in 0...1600 {
            let t = Double(i) / 10
            let voltage = t < 51 ? 400.0 : 380.0
            let charging = t >= 51 && t < 153 ? 1.0 : 0.0
            aggregator.feed(Int64(i) * 100 * ms, message: 1, values: [voltage, sign * linear(current, at: t), 90 - t / 10, charging])
        }
        aggregator.finish()
        return try vehicleSummary(aggregator.takeRecords())
    }

    @Test(arguments: [CurrentDirection.discharge, .charge])
    func energySplitByDirectionAndChargingState(positive: CurrentDirection) throws {
        let summary = try energyRun(positive: positive)
        // Traction: 400 V × (½·10·200 + ½·20·200) A·s; regen: 400 V × (½·10·100 + 10·100 + ½·1·100) A·s.
        let traction = 400.0 * (1000 + 2000) / 3.6e6
        let regen = 400.0 * (500 + 1000 + 50) / 3.6e6
        // Charging: 380 V × (½·1·50 + 100·50 + ½·1·50) A·s.
        let charge = 380.0 * (25 + 5000 + 25) / 3.6e6
        #expect(abs(summary.tractionEnergyKWh - traction) < 1e-12)
        #expect(abs(summary.regenEnergyKWh - regen) < 1e-12)
        #expect(abs(summary.chargeEnergyKWh - charge) < 1e-12)
        // Charging state on from the frame at 51 s to the frame at 153 s; no speed signal: idle otherwise.
        #expect(abs(summary.chargingSeconds - 102) < 1e-9 && abs(summary.idleSeconds - 58) < 1e-9 && summary.drivingSeconds == 0)
        #expect(summary.socStart == 90 && abs(summary.socEnd! - 74) < 1e-9 && abs(summary.socUsed! - 16) < 1e-9)
    }

    @Test func speedRuleTrips() throws {
        var aggregator = try Fixture.aggregator(Fixture.configuration(trips: TripRule(kind: .speed, idleEnd: 300 * s)))
        // Moving 36 km/h over [10, 70] s, standing until 470 s, moving again over [470, 530] s,
        // standing 100 s (shorter than idle_end: still the same trip), moving [630, 690] s.
        func speed(_ t: Double) -> Double {
            (t > 10 && t < 70) || (t > 470 && t < 530) || (t > 630 && t < 690) ? 36 : 0
        }
        for i in 0...10_000 { aggregator.feed(Int64(i) * 100 * ms, message: 0, values: [speed(Double(i) / 10), 0]) }
        aggregator.finish()
        let records = aggregator.takeRecords()
        let summary = try vehicleSummary(records)
        #expect(summary.trips.count == 2)
        let first = try #require(summary.trips.first), second = try #require(summary.trips.last)
        #expect(first.start == 10 * s && first.end == 69_900 * ms)
        #expect(second.start == 470 * s && second.end == 689_900 * ms)
        #expect(abs(first.distanceKm + second.distanceKm - summary.distanceKm) < 1e-12)
        let tripSummaries = records.operations.filter { if case .trip = $0.scope { true } else { false } }
        #expect(tripSummaries.map(\.distanceKm) == [first.distanceKm, second.distanceKm])
        // Frames after the one that started the trip, up to the last moving one (10 per second).
        #expect(tripSummaries.map { $0.frames.first!.count } == [598, 2198])
    }

    @Test func readyRuleTrips() throws {
        var aggregator = try Fixture.aggregator(Fixture.configuration(trips: TripRule(kind: .ready)))
        for i in 0...1000 {
            let t = Double(i) / 10
            let ready = t >= 10 && t < 50 ? 1.0 : 0.0
            aggregator.feed(Int64(i) * 100 * ms, message: 0, values: [t >= 20 && t < 40 ? 18 : 0, ready])
        }
        aggregator.finish()
        let summary = try vehicleSummary(aggregator.takeRecords())
        #expect(summary.trips.count == 1)
        #expect(summary.trips.first?.start == 10 * s && summary.trips.first?.end == 50 * s)
        #expect(abs(summary.trips.first!.distanceKm - summary.distanceKm) < 1e-12)
    }

    @Test func brakeApplicationsUseHysteresis() throws {
        var aggregator = try Fixture.aggregator()
        let pressures: [Double] = [0, 6, 4, 6, 4.9, 5.1, 1, 1.5, 6, 3, 0, 5, 5.01, 0]
        for (i, p) in pressures.enumerated() { aggregator.feed(Int64(i) * 20 * ms, message: 2, values: [p, Double(i % 16), 0]) }
        aggregator.finish()
        #expect(try vehicleSummary(aggregator.takeRecords()).brakeApplications == 3)
    }

    @Test func cellExtremesSpreadTemperaturesAndFaultEpisodes() throws {
        var aggregator = try Fixture.aggregator()
        let rows: [(Double, Double, Double, Double)] = [
            (3.30, 3.35, 30, 0), (3.28, 3.36, 35, 1), (3.31, 3.32, 41, 2), (3.25, 3.30, 38, 0), (3.29, 3.34, 33, 0),
        ]
        for (i, row) in rows.enumerated() {
            aggregator.feed(Int64(i) * s, message: 3, values: [row.0, row.1, row.2, row.3])
        }
        aggregator.finish()
        let records = aggregator.takeRecords()
        let summary = try vehicleSummary(records)
        #expect(summary.minCellVoltage == 3.25 && summary.maxCellVoltage == 3.36)
        #expect(abs(summary.maxCellSpread! - 0.08) < 1e-12)
        #expect(summary.maxCellTemperature == 41)
        let episode = FaultEpisode(vehicle: "van01", kind: "over_temperature", level: 2, start: s, end: 3 * s, open: false)
        #expect(records.faultEpisodes == [episode])
        #expect(summary.faultEpisodes == [episode])
    }

    @Test func daysRollOverAtLocalMidnight() throws {
        // UTC+8: local midnight is 16:00 UTC. Frames from 15:59:50 to 16:00:10 UTC.
        var aggregator = try Fixture.aggregator(Fixture.configuration(dayOffset: 8 * 3600))
        let midnight: Int64 = (20_000 * 86_400 + 16 * 3600) * s
        for i in -100...100 { aggregator.feed(midnight + Int64(i) * 100 * ms, message: 0, values: [36, 0]) }
        aggregator.finish()
        let records = aggregator.takeRecords()
        let days = records.operations.filter { $0.scope == .day }
        #expect(days.map(\.start) == [midnight - 86_400 * s, midnight])
        #expect(abs(days.map(\.distanceKm).reduce(0, +) - 0.2) < 1e-12)
        #expect(days.map { $0.frames.first!.count }.reduce(0, +) == 201)
        #expect(days.allSatisfy { $0.frames.first!.count >= 99 && $0.errorFrames.first!.count == 0 })
        #expect(abs(try vehicleSummary(records).distanceKm - 0.2) < 1e-12)
    }

    @Test func emptyInputGivesEmptyFigures() throws {
        var aggregator = try Fixture.aggregator()
        aggregator.finish()
        let summary = try vehicleSummary(aggregator.takeRecords())
        #expect(summary.distanceKm == 0 && summary.trips.isEmpty && summary.kWhPer100km == nil)
        #expect(summary.frames == [NamedCount(name: "can0", count: 0)])
    }
}
