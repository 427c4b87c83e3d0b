/// The code names of the driver-assistance roles (`signals.acc_state.codes`, …) and what the
/// smart-connected figures read from them: ACC engaged (distance and time), a disengagement
/// (engaged → anything else, with a cause other than `none`), an AEB activation (→ `braking`).
public enum AssistanceCodes {
    public static let accStateNames = ["off", "standby", "engaged", "fault"]
    public static let accCauseNames = ["none", "driver_brake", "driver_steer", "system_fault"]
    public static let aebStateNames = ["off", "standby", "warning", "braking", "fault"]
    public static let engaged = "engaged"
    public static let noCause = "none"
    public static let braking = "braking"
}
