import CANCore

/// Calendar arithmetic on UTC seconds since the Unix epoch, without Foundation or the
/// process's time zone (the report's text must not depend on the machine's TZ).
public struct UTCTime: Sendable, Hashable {
    public var year: Int, month: Int, day: Int
    public var hour: Int, minute: Int, second: Int

    /// The civil date and time of `seconds` (floored to the second).
    public init(seconds: Double) {
        let whole = Int64(seconds.isFinite ? seconds.rounded(.down) : 0)
        var days = whole / 86_400
        var rest = whole % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let date = CivilDate.date(days: days)
        (year, month, day) = (Int(date.year), date.month, date.day)
        hour = Int(rest / 3600)
        minute = Int(rest % 3600 / 60)
        second = Int(rest % 60)
    }

    /// (year, month, day) → days since 1970-01-01.
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        CivilDate.days(year: Int64(year), month: month, day: day)
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// `2026-01-01`
    public var date: String { "\(year)-\(Self.two(month))-\(Self.two(day))" }
    /// `01-31`
    public var monthDay: String { "\(Self.two(month))-\(Self.two(day))" }
    /// `14:05`
    public var hourMinute: String { "\(Self.two(hour)):\(Self.two(minute))" }
    /// `14:05:09`
    public var clock: String { "\(hourMinute):\(Self.two(second))" }
    /// `2026-01-01 14:05:09`
    public var dateTime: String { "\(date) \(clock)" }
}
