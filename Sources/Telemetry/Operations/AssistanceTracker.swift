/// Driver assistance of one vehicle from its coded roles (`acc_state`, `acc_cause`,
/// `aeb_state`): whether ACC is engaged — the state the latest ACC frame carried, in force
/// until the next — and the events, at the frame that first shows them: a disengagement
/// (engaged → anything else, with a cause other than `none`; ignition off or an unknown
/// cause is no takeover) and an AEB activation (→ `braking`). The speed of an event is the
/// latest vehicle speed the vehicle reported at or before that frame. The values that mean
/// `engaged` and `braking` are resolved from the codes once, when the tracker is made.
struct AssistanceTracker: Sendable {
    /// ACC's values that mean engaged; nil when ACC's state is not mapped.
    private let accEngaged: CodeValues?
    private let accCause: CodedReference?
    /// AEB's values that mean braking; nil when AEB's state is not mapped.
    private let aebBraking: CodeValues?
    private(set) var engaged = false
    private var braking = false
    /// The cause the newest frame carried (the ACC frame carries it beside the state).
    private var cause: String?

    /// Nil when the vehicle maps neither ACC's nor AEB's state.
    init?(_ map: SemanticMap) {
        guard map.accState != nil || map.aebState != nil else { return nil }
        accEngaged = map.accState?.values(meaning: AssistanceCodes.engaged)
        accCause = map.accCause
        aebBraking = map.aebState?.values(meaning: AssistanceCodes.braking)
    }

    /// ACC is mapped: the vehicle has engaged distance and time.
    var hasACC: Bool { accEngaged != nil }

    mutating func causeValue(_ value: Double) { cause = accCause?.name(of: value) }

    /// ACC's state in a frame at `t`: the disengagement it shows, if any.
    mutating func accStateValue(_ value: Double, at t: Int64, speedKmh: Double) -> DisengagementFigure? {
        guard let accEngaged else { return nil }
        let now = accEngaged.contains(value)
        defer { engaged = now }
        guard engaged && !now, let cause, cause != AssistanceCodes.noCause else { return nil }
        return DisengagementFigure(time: t, speedKmh: speedKmh, cause: cause)
    }

    /// AEB's state in a frame at `t`: the activation it starts, if any.
    mutating func aebStateValue(_ value: Double, at t: Int64, speedKmh: Double) -> AEBEventFigure? {
        guard let aebBraking else { return nil }
        let now = aebBraking.contains(value)
        defer { braking = now }
        return now && !braking ? AEBEventFigure(time: t, speedKmh: speedKmh) : nil
    }
}
