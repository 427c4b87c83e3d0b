/// The small scalar syntaxes of `candor.yaml`, parsed into the units `TelemetryConfiguration`
/// uses. Each returns `nil` for text it does not accept; the config decoder turns that into
/// an error naming the key path and the expected form.
public enum ConfigurationText {
    /// What `duration(_:)` accepts, for error messages.
    public static let durationForm = "a duration with a unit: 500ms, 1s, 0.5s, 60s, 5m, 1h"
    /// What `utcOffset(_:)` accepts, for error messages.
    public static let utcOffsetForm = "an offset from UTC: +08:00, -05:30, +00:00"

    /// Nanoseconds for `500ms`, `1s`, `0.5s`, `60s`, `5m`, `1h` (also `us`, `ns`); positive,
    /// at most 1 000 hours, and a whole number of nanoseconds.
    public static func duration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ns", 1), ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
                                        ("m", 60_000_000_000), ("h", 3_600_000_000_000)]
        let trimmed = text.trimmingSpaces
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // "ms" also ends in "s", "ns"/"us" too: the longer suffixes are tried first.
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let value = Double(number), value > 0, value <= 3_600_000 else { return nil }
            let nanoseconds = value * Double(scale)
            guard nanoseconds <= 3.6e15, nanoseconds.rounded() == nanoseconds else { return nil }
            return Int64(nanoseconds)
        }
        return nil
    }

    /// Seconds east of UTC for `+08:00`, `-05:30`, `+00:00` (hours ≤ 14, minutes < 60).
    public static func utcOffset(_ text: String) -> Int64? {
        let bytes = Array(text.trimmingSpaces.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"), bytes[3] == UInt8(ascii: ":") else { return nil }
        func digit(_ i: Int) -> Int64? {
            bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") ? Int64(bytes[i] - UInt8(ascii: "0")) : nil
        }
        guard let h1 = digit(1), let h2 = digit(2), let m1 = digit(4), let m2 = digit(5) else { return nil }
        let hours = h1 * 10 + h2, minutes = m1 * 10 + m2
        guard hours <= 14, minutes < 60 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return bytes[0] == UInt8(ascii: "-") ? -seconds : seconds
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
