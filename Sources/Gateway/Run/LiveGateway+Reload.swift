import CANDatabase
import Telemetry

/// Reloading: a setup submitted to the gateway's `ReloadRequest` replaces the running one
/// between two frames, on the ingest thread, so that no frame is decoded with half of each.
///
/// The swap waits for the next instant at which every window closes together (the next
/// multiple of the window lengths' least common multiple after the newest event time: the
/// next minute with the default 1 s and 60 s windows). Frames before that instant go
/// through the old setup, frames at or after it through the new one. At the swap the old
/// aggregator closes its windows exactly as a continuous run would have (none is cut
/// short, none is emitted twice), ends its open trips, fault and silent episodes and
/// bus-off episodes at its last event, and emits its per-vehicle summaries; the new
/// aggregator starts empty with the first frame (or quiet-bus tick) at or after the
/// boundary. The recorder and the tail are the same objects throughout: raw frames are
/// recorded without a gap.
extension LiveGateway {
    /// Takes a newly submitted setup, and swaps the waiting one in once `time` (event time,
    /// nanoseconds) has reached its boundary.
    func reloadIfDue(at time: Int64) throws {
        if let reloads, let next = reloads.take() {
            pendingReload = next
            // A later submission before the swap replaces the earlier one but keeps its boundary.
            if swapAt == .max {
                swapAt = latestEventTime == .min
                    ? .min : Self.windowBoundary(after: latestEventTime, lengths: setup.layout.configuration.rules.windowLengths)
            }
        }
        guard let next = pendingReload, time >= swapAt else { return }
        try swap(to: next)
    }

    private func swap(to next: (generation: Int, setup: GatewaySetup)) throws {
        let boundary = swapAt
        // The capture watch goes on with the new setup when its buses are the same ones (its
        // ring and plan index them); else it cuts what is pending and stops.
        var captures = pipeline.captures
        pipeline.captures = nil
        let sameBuses = { (s: GatewaySetup) in s.layout.configuration.vehicles.map { $0.buses.map(\.interface) } }
        if sameBuses(setup) != sameBuses(next.setup) {
            captures?.finish()
            captures = nil
        }
        if latestEventTime != .min {
            // The windows ending at or before the boundary, empty ones included, as if time ran on to it.
            if boundary != .min { try pipeline.advance(to: boundary - 1) }
            _ = try pipeline.finish()
        }
        earlierRecords += pipeline.records
        setup = next.setup
        pipeline = FramePipeline(setup: next.setup, batchFrames: batchFrames, deliver: sink)
        pipeline.captures = captures
        decodedLogSelection = decodedLog.map { Self.selection($0, for: next.setup) }
        pendingReload = nil
        swapAt = .max
        reloads?.reportApplied(ReloadRequest.Applied(
            generation: next.generation, setup: next.setup, effectiveFrom: boundary == .min ? nil : boundary))
    }

    /// The first instant after `time` that starts a window of every length: the next multiple
    /// of the lengths' least common multiple (of the longest length when that overflows; then
    /// the shorter windows that do not divide it close early, at their nominal end).
    static func windowBoundary(after time: Int64, lengths: [Int64]) -> Int64 {
        precondition(!lengths.isEmpty && lengths.allSatisfy { $0 > 0 }, "window lengths must be positive")
        var period: Int64 = 1
        for length in lengths {
            let (product, overflow) = (period / greatestCommonDivisor(period, length)).multipliedReportingOverflow(by: length)
            if overflow {
                period = lengths.max()!
                break
            }
            period = product
        }
        let start = time / period - (time % period < 0 ? 1 : 0)
        let (next, overflow) = (start + 1).multipliedReportingOverflow(by: period)
        return overflow ? .max - 1 : next
    }

    private static func greatestCommonDivisor(_ a: Int64, _ b: Int64) -> Int64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
