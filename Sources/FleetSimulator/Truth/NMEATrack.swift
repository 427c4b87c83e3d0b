import CANCore

/// The simulated drive as a GNSS receiver reports it: NMEA 0183 `GGA` and `RMC` sentences at
/// 1 Hz — a fix at every whole second of the capture and one at its end — written into the
/// bundle as `track.nmea` (what `gpsfake` replays into gpsd for the GB/T 32960 location body).
///
/// The route follows the distance the model drove: fix k lies `distance(k) − distance(k−1)` on
/// from fix k−1, along the road's heading, on a sphere of the mean Earth radius (6,371,008.8 m),
/// so the great-circle distances between successive fixes add up to the truth's `distance_km`
/// — up to the sentences' rounding (1e-6 minute of arc, under 2 mm a fix) and the step's own
/// error (the latitude's cosine taken at the step's middle: under 1e-9 of a 40 m step). The
/// road starts at Jiading, Shanghai (31.2838° N, 121.1613° E), its first heading a multiple of
/// 45° chosen by the seed, and winds ±60° over every 2 km. Standing still repeats the fix.
/// Deterministic to the bit: only + − × ÷, `sqrt` and the simulator's own sine and cosine.
public struct NMEATrack: Sendable {
    public static let earthRadiusMetres = 6_371_008.8
    public static let fileName = "track.nmea"

    public struct Fix: Sendable, Equatable {
        /// Seconds since the Unix epoch (whole seconds: the capture's start + k).
        public var time: Int64
        /// Degrees, north and east positive.
        public var latitude: Double
        public var longitude: Double
        /// Over the second before the fix (0 at the first).
        public var speedKnots: Double
        /// Degrees from true north, 0 ≤ course < 360.
        public var courseDegrees: Double
    }

    public let fixes: [Fix]

    /// `cumulativeKm[k]`: the distance driven by second k of the capture (`[0]` = 0), the last
    /// entry at its end (`GroundTruth.distanceEverySecondKm`).
    public init(startEpochSeconds: Int64, cumulativeKm: [Double], seed: UInt64) {
        let r = Self.earthRadiusMetres
        let degree = Double.pi / 180
        let firstHeading = Double(seed % 8) * 45 * degree
        var latitude = 31.2838 * degree, longitude = 121.1613 * degree
        var fixes: [Fix] = []
        fixes.reserveCapacity(cumulativeKm.count)
        var previousMetres = 0.0
        var course = firstHeading
        for (k, km) in cumulativeKm.enumerated() {
            let metres = km * 1000
            let step = max(0, metres - previousMetres)
            if step > 0 {
                // The road's heading at the middle of the step.
                let middle = previousMetres + step / 2
                course = firstHeading + Double.pi / 3 * (2 * Double.pi * middle / 2000).sin
                let dLatitude = step * course.cos / r
                let middleLatitude = latitude + dLatitude / 2
                latitude += dLatitude
                longitude += step * course.sin / (r * middleLatitude.cos)
            }
            previousMetres = max(previousMetres, metres)
            var degrees = course / degree
            degrees -= 360 * (degrees / 360).rounded(.down)
            fixes.append(Fix(time: startEpochSeconds + Int64(k), latitude: latitude / degree, longitude: longitude / degree,
                             speedKnots: k == 0 ? 0 : step * 3600 / 1852, courseDegrees: degrees))
        }
        self.fixes = fixes
    }

    /// The sentences, `GGA` then `RMC` for each fix, CR LF after each.
    public var text: String {
        var out = ""
        out.reserveCapacity(fixes.count * 160)
        for fix in fixes {
            let seconds = ((fix.time % 86_400) + 86_400) % 86_400
            let day = CivilDate.date(days: (fix.time - seconds) / 86_400)
            let time = Self.digits(Int(seconds / 3600), 2) + Self.digits(Int(seconds / 60 % 60), 2) + Self.digits(Int(seconds % 60), 2) + ".00"
            let date = Self.digits(day.day, 2) + Self.digits(day.month, 2) + Self.digits(Int(day.year % 100), 2)
            let position = Self.angle(fix.latitude, degreeDigits: 2, positive: "N", negative: "S") + ","
                + Self.angle(fix.longitude, degreeDigits: 3, positive: "E", negative: "W")
            out += Self.sentence("GPGGA,\(time),\(position),1,08,0.9,4.0,M,9.0,M,,")
            out += Self.sentence("GPRMC,\(time),A,\(position),\(Self.decimal(fix.speedKnots, 2)),\(Self.decimal(fix.courseDegrees, 1)),\(date),,,A")
        }
        return out
    }

    /// `$BODY*CS\r\n`, CS the XOR of the body's bytes in two upper-case hex digits.
    static func sentence(_ body: String) -> String {
        let checksum = body.utf8.reduce(UInt8(0), ^)
        let hex = Array("0123456789ABCDEF".utf8)
        return "$" + body + "*" + String(decoding: [hex[Int(checksum >> 4)], hex[Int(checksum & 15)]], as: UTF8.self) + "\r\n"
    }

    /// `ddmm.mmmmmm,N` (latitude) or `dddmm.mmmmmm,E` (longitude): degrees and minutes to 1e-6 minute.
    static func angle(_ value: Double, degreeDigits: Int, positive: String, negative: String) -> String {
        let micro = Int64((abs(value) * 60_000_000).rounded())
        let degrees = micro / 60_000_000, minutes = micro % 60_000_000
        return digits(Int(degrees), degreeDigits) + digits(Int(minutes / 1_000_000), 2) + "." + digits(Int(minutes % 1_000_000), 6)
            + "," + (value < 0 ? negative : positive)
    }

    /// `value` with `places` decimals (not negative).
    static func decimal(_ value: Double, _ places: Int) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let n = Int((max(0, value) * Double(scale)).rounded())
        return String(n / scale) + "." + digits(n % scale, places)
    }

    static func digits(_ n: Int, _ width: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
