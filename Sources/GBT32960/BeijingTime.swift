import CANCore

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
        let civil = CivilDate.date(days: days)
        self.init(year: Int(civil.year), month: civil.month, day: civil.day,
                  hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    /// The Unix instant this Beijing wall-clock time names.
    public var unixSeconds: Int64 {
        CivilDate.days(year: Int64(year), month: month, day: day) * 86_400
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
}
