/// The protocol's 6-byte time `YY MM DD hh mm ss`: Beijing time (UTC+8), the year counted
/// from 2000 (every peer adds 2000; Table 5 allows 0–99).
public struct BeijingTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    /// Beijing time is UTC+8 all year (no daylight saving since 1991).
    public static let offsetSeconds: Int64 = 8 * 3600

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The Beijing wall-clock time of a Unix instant (seconds since 1970-01-01T00:00:00Z).
    public init(unixSeconds: Int64) {
        let local = unixSeconds + Self.offsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - days * 86_400)
        let civil = Self.civil(fromDays: days)
        self.init(year: civil.year, month: civil.month, day: civil.day,
                  hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    /// The Unix instant this Beijing wall-clock time names.
    public var unixSeconds: Int64 {
        Self.days(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second) - Self.offsetSeconds
    }

    /// The 6 bytes on the wire, or nil when the year is outside 2000–2099.
    public var bytes: [UInt8]? {
        guard (2000...2099).contains(year), isValid else { return nil }
        return [UInt8(year - 2000), UInt8(month), UInt8(day), UInt8(hour), UInt8(minute), UInt8(second)]
    }

    /// Month 1–12, day 1–31 within the month, hour 0–23, minute and second 0–59.
    public var isValid: Bool {
        (1...12).contains(month) && day >= 1 && day <= Self.daysIn(month: month, year: year)
            && (0...23).contains(hour) && (0...59).contains(minute) && (0...59).contains(second)
    }

    /// Reads the 6 wire bytes; nil when a field is out of its range.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 6 else { return nil }
        let b = Array(bytes)
        self.init(year: 2000 + Int(b[0]), month: Int(b[1]), day: Int(b[2]), hour: Int(b[3]), minute: Int(b[4]), second: Int(b[5]))
        guard b[0] <= 99, isValid else { return nil }
    }

    /// ISO 8601 with the +08:00 offset, e.g. `2026-07-07T06:55:15+08:00`.
    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))+08:00"
    }

    public static func < (a: BeijingTime, b: BeijingTime) -> Bool { a.unixSeconds < b.unixSeconds }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The inverse of `days(year:month:day:)` (H. Hinnant's `civil_from_days`).
    static func civil(fromDays z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
