/// The rules by which the truth cuts episodes and trips, written from README.md's
/// definitions (the configuration table's defaults), not taken from Telemetry's
/// constants: `TruthRulesTests` reads those README rows and checks these numbers.
enum TruthRules {
    /// README: `health.silent_after` 5 — "silent episode (gap > 5 cycles and > 1 s)",
    /// the cycle being the DBC's `GenMsgCycleTime`.
    static let silentAfterCycles: Int64 = 5
    static let silentMinimumGapNs: Int64 = 1_000_000_000
    /// README: `trips.min_distance` 0.01 (km) — a trip shorter than this is not a trip.
    static let tripMinimumDistanceKm = 0.01

    /// README: `trips.moving_speed` 1.0 (km/h) — above it the vehicle is driving (the time
    /// `average_speed_kmh` divides by).
    static let movingSpeedKmh = 1.0
    /// README (the report's figures): a charging session is fast when its highest charging
    /// power exceeds 22 kW (more than AC three-phase gives: a DC charger).
    static let fastChargeAboveKW = 22.0

    /// A gap of `gapNs` after a frame of a message with cycle `cycleNs` is a silent episode.
    static func isSilent(gapNs: Int64, cycleNs: Int64) -> Bool {
        gapNs > silentAfterCycles * cycleNs && gapNs > silentMinimumGapNs
    }

    /// Truth samples each mapped signal at the first frame at or after every multiple of
    /// this interval on the capture's clock (and at its last frame).
    static let sampleIntervalNs: Int64 = 10_000_000_000
}
