import CANCapture
import GBT32960
import Gateway

extension FuzzTargets {
    /// An NMEA track as `uplink.gbt32960.track` reads it (`GNSSTrack`; gzip'd input inflated
    /// first, as the file would be), then the location looked up around its span. Properties
    /// that trap when broken:
    /// - the counts add up: fixes ≤ reports, reports + skipped ≤ lines;
    /// - before the first report the location is invalid at 0, 0;
    /// - more than 5 s after the last report it is invalid; a valid one needs a fix.
    public static func nmeaTrack(_ bytes: [UInt8]) {
        var text = bytes
        if bytes.starts(with: [0x1F, 0x8B]) {
            guard let inflated = try? Deflate.gunzip(bytes, limit: 1 << 20, name: "fuzz.nmea.gz") else { return }
            text = inflated
        }
        guard let track = try? GNSSTrack(bytes: text, path: "fuzz.nmea", maxAgeMillis: 5_000) else { return }
        let s = track.statistics
        precondition(s.reports >= 1 && s.fixes <= s.reports && s.reports + s.skipped <= s.lines,
                     "counts do not add up: \(s)")
        let span = track.span
        precondition(track.position(atMillis: span.lowerBound - 1) == Position(status: 1, longitude: 0, latitude: 0),
                     "a location before the first report")
        precondition(!track.position(atMillis: span.upperBound + 5_001).isValid, "valid more than 5 s after the last report")
        var times = [span.lowerBound, span.upperBound, span.upperBound + 5_000]
        for chunk in stride(from: 0, to: min(bytes.count, 64), by: 8) {
            var offset: Int64 = 0
            for byte in bytes[chunk..<min(chunk + 8, bytes.count)] { offset = offset << 8 | Int64(byte) }
            times.append(span.lowerBound &+ offset % 200_000_000)
        }
        for time in times {
            let p = track.position(atMillis: time)
            precondition(!p.isValid || s.fixes > 0, "valid without a fix")
            _ = p.signedLatitude + p.signedLongitude
        }
    }
}
