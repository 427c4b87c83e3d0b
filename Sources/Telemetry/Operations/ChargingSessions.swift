/// Charging sessions of one vehicle, cut by its charging state on event time: a session
/// opens at the first frame reporting the state on and closes at the first reporting it
/// off (or at the end of the input). Its energy is the pack's charging energy integrated
/// while it is open; its power the highest charging power sampled.
struct ChargingSessions: Sendable {
    private var open = false
    private var current = ChargingSessionFigure(start: 0, end: 0)

    /// Energy into the pack over an interval that ended at `t` while charging, and the
    /// charging power at `t` (W, positive into the pack).
    mutating func add(energyKWh: Double, powerW: Double, at t: Int64) {
        guard open else { return }
        current.energyKWh += energyKWh
        current.maxPowerKW = max(current.maxPowerKW, powerW / 1000)
        current.end = t
    }

    /// The charging state reported at `t`; the session that this ends, if any.
    mutating func charging(_ on: Bool, at t: Int64) -> ChargingSessionFigure? {
        if on && !open {
            open = true
            current = ChargingSessionFigure(start: t, end: t)
        } else if !on && open {
            open = false
            current.end = t
            return current
        }
        if open { current.end = max(current.end, t) }
        return nil
    }

    /// The end of the input at `t`: the open session, if any, ends there.
    mutating func finish(at t: Int64) -> ChargingSessionFigure? {
        guard open else { return nil }
        open = false
        current.end = max(current.end, t)
        return current
    }
}
