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
        (year, month, day) = Self.civil(fromDays: days)
        hour = Int(rest / 3600)
        minute = Int(rest % 3600 / 60)
        second = Int(rest % 60)
    }

    /// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
    /// (the era-based method: 400-year eras of 146,097 days).
    static func civil(fromDays z: Int64) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    /// (year, month, day) → days since 1970-01-01.
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
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
