import CANCore

/// One line of an NMEA 0183 track as `GNSSTrack` reads it: `GGA` (time of day, position, fix
/// quality) and `RMC` (time, status, position, date) from any talker (`GP`, `GN`, `GL`, `GA`,
/// `BD`, …); any other sentence only by its type. What `candor simulate` writes:
///
///     $GPGGA,000012.00,3117.028000,N,12109.678000,E,1,08,0.9,4.0,M,9.0,M,,*5A
///     $GPRMC,000012.00,A,3117.028000,N,12109.678000,E,0.00,45.0,010126,,,A*6B
///
/// `$`, the body, `*` and two hex digits: the XOR of the body's bytes. A line without its
/// checksum, or with a wrong one, is `Malformed` (a track on disk has no excuse for either).
/// Time `hhmmss[.s…]` (UTC), latitude `ddmm.m…` with `N`/`S`, longitude `dddmm.m…` with `E`/`W`,
/// date `ddmmyy` (years 80–99 are 19xx, the rest 20xx, as gpsd reads them). A GGA with fix
/// quality 0, or an RMC with status `V`, is a report without a fix (its coordinates, if any,
/// are not used); empty coordinates are a report without a fix too.
enum NMEASentence: Equatable {
    case gga(Report)
    case rmc(Report, days: Int64)
    case other(String)

    /// A GGA or RMC: when, and the fix it reports (nil: none).
    struct Report: Equatable {
        /// Milliseconds since midnight UTC.
        var timeOfDayMillis: Int64
        var fix: Coordinates?
    }

    struct Coordinates: Equatable {
        /// Degrees, north and east positive.
        var latitude: Double
        var longitude: Double
    }

    struct Malformed: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Longer lines are not NMEA (the standard's bound is 82 characters; receivers' proprietary
    /// sentences stay well under this).
    static let maxLine = 1024

    static func parse(_ line: Substring) throws(Malformed) -> NMEASentence {
        let bytes = Array(line.utf8)
        guard bytes.count <= maxLine else { throw Malformed(description: "a line over \(maxLine) bytes") }
        guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else { throw Malformed(description: "not printable ASCII") }
        guard bytes.first == UInt8(ascii: "$") else { throw Malformed(description: "does not start with $") }
        guard let star = bytes.lastIndex(of: UInt8(ascii: "*")), bytes.count == star + 3,
              let sent = UInt8(String(decoding: bytes[(star + 1)...], as: UTF8.self), radix: 16) else {
            throw Malformed(description: "no checksum (*HH at the end)")
        }
        let computed = bytes[1..<star].reduce(UInt8(0), ^)
        guard sent == computed else {
            throw Malformed(description: "checksum *\(hex(sent)), the line's bytes give *\(hex(computed))")
        }
        let fields = line.dropFirst().prefix(star - 1).split(separator: ",", omittingEmptySubsequences: false)
        let address = fields[0]
        guard address.count >= 5 else { throw Malformed(description: "no sentence type in \"\(address)\"") }
        let type = String(address.suffix(3))
        switch type {
        case "GGA":
            // time, lat, N/S, lon, E/W, quality, …
            guard fields.count >= 7 else { throw Malformed(description: "GGA with \(fields.count - 1) fields, expected at least 6") }
            let time = try timeOfDay(fields[1])
            guard let quality = Int(fields[6]) else { throw Malformed(description: "GGA fix quality \"\(fields[6])\" is not a number") }
            let fix = try coordinates(fields[2], fields[3], fields[4], fields[5])
            return .gga(Report(timeOfDayMillis: time, fix: quality == 0 ? nil : fix))
        case "RMC":
            // time, status, lat, N/S, lon, E/W, speed, course, date, …
            guard fields.count >= 10 else { throw Malformed(description: "RMC with \(fields.count - 1) fields, expected at least 9") }
            let time = try timeOfDay(fields[1])
            guard fields[2] == "A" || fields[2] == "V" else { throw Malformed(description: "RMC status \"\(fields[2])\", expected A or V") }
            let fix = try coordinates(fields[3], fields[4], fields[5], fields[6])
            return .rmc(Report(timeOfDayMillis: time, fix: fields[2] == "A" ? fix : nil), days: try date(fields[9]))
        default:
            return .other(type)
        }
    }

    /// `hhmmss` with an optional fraction → milliseconds since midnight.
    static func timeOfDay(_ field: Substring) throws(Malformed) -> Int64 {
        let whole = field.prefix { $0 != "." }
        let fraction = field.dropFirst(whole.count)
        guard whole.count == 6, whole.allSatisfy(\.isASCIIDigit), fraction.isEmpty || fraction.dropFirst().allSatisfy(\.isASCIIDigit),
              let hh = Int64(whole.prefix(2)), let mm = Int64(whole.dropFirst(2).prefix(2)), let ss = Int64(whole.suffix(2)),
              hh < 24, mm < 60, ss < 61 else {
            throw Malformed(description: "time \"\(field)\", expected hhmmss[.sss]")
        }
        var millis: Int64 = 0, scale: Int64 = 100
        for digit in fraction.dropFirst().prefix(3) {
            millis += Int64(digit.asciiValue! - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return ((hh * 60 + mm) * 60 + ss) * 1000 + millis
    }

    /// `ddmmyy` → days since 1970-01-01.
    static func date(_ field: Substring) throws(Malformed) -> Int64 {
        guard field.count == 6, field.allSatisfy(\.isASCIIDigit), let dd = Int(field.prefix(2)), let mm = Int(field.dropFirst(2).prefix(2)),
              let yy = Int64(field.suffix(2)), (1...31).contains(dd), (1...12).contains(mm) else {
            throw Malformed(description: "date \"\(field)\", expected ddmmyy")
        }
        return CivilDate.days(year: yy >= 80 ? 1900 + yy : 2000 + yy, month: mm, day: dd)
    }

    /// Latitude and longitude fields; nil when all four are empty (no position).
    static func coordinates(_ lat: Substring, _ ns: Substring, _ lon: Substring, _ ew: Substring) throws(Malformed) -> Coordinates? {
        if lat.isEmpty && ns.isEmpty && lon.isEmpty && ew.isEmpty { return nil }
        guard ns == "N" || ns == "S", ew == "E" || ew == "W" else {
            throw Malformed(description: "hemispheres \"\(ns)\", \"\(ew)\", expected N/S and E/W")
        }
        let latitude = try angle(lat, degreeDigits: 2, limit: 90), longitude = try angle(lon, degreeDigits: 3, limit: 180)
        return Coordinates(latitude: ns == "S" ? -latitude : latitude, longitude: ew == "W" ? -longitude : longitude)
    }

    /// `ddmm.m…` (or `dddmm.m…`) → degrees.
    static func angle(_ field: Substring, degreeDigits: Int, limit: Double) throws(Malformed) -> Double {
        let degreePart = field.prefix(degreeDigits), minutePart = field.dropFirst(degreeDigits)
        guard degreePart.count == degreeDigits, degreePart.allSatisfy(\.isASCIIDigit), let degrees = Double(degreePart),
              minutePart.prefix(2).count == 2, minutePart.allSatisfy({ $0.isASCIIDigit || $0 == "." }),
              let minutes = Double(minutePart), minutes < 60 else {
            throw Malformed(description: "coordinate \"\(field)\", expected \(String(repeating: "d", count: degreeDigits))mm.mmmm")
        }
        let value = degrees + minutes / 60
        guard value <= limit else { throw Malformed(description: "coordinate \"\(field)\" beyond \(Int(limit))°") }
        return value
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
    }
}

private extension Character {
    var isASCIIDigit: Bool { asciiValue.map { (48...57).contains($0) } ?? false }
}
