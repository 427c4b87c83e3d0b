#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemIO

/// The event time of a canonical decoded-frame line, read back from its text: the number
/// after its last `"t":` (the line's last key). For a decoded log continued after a restart,
/// whose first line tells when the file started.
enum DecodedLineTime {
    /// Nanoseconds since the epoch of the first line of the file at `path`; nil when the file
    /// cannot be read or its first line is not a canonical line.
    static func firstLine(ofFile path: String) -> Int64? {
        guard let fd = try? FileDescriptor.open(path, O_RDONLY) else { return nil }
        var head = [UInt8](repeating: 0, count: 64 * 1024)
        guard let count = try? fd.read(into: &head),
              count > 0, let end = head[0..<count].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return of(line: head[0..<end])
    }

    /// Nanoseconds since the epoch of `"t":<seconds>[.<fraction>]` in `line`; nil without one.
    static func of(line: ArraySlice<UInt8>) -> Int64? {
        let key = Array(#""t":"#.utf8)
        guard line.count > key.count else { return nil }
        var start = line.endIndex - key.count
        while start >= line.startIndex && !line[start..<start + key.count].elementsEqual(key) { start -= 1 }
        guard start >= line.startIndex else { return nil }
        var index = start + key.count
        var negative = false
        if index < line.endIndex && line[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var seconds: Int64 = 0
        var digits = 0
        while index < line.endIndex, let digit = Self.digit(line[index]), digits < 12 {
            seconds = seconds * 10 + digit
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        var nanoseconds: Int64 = 0
        if index < line.endIndex && line[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000_000
            while index < line.endIndex, let digit = Self.digit(line[index]) {
                nanoseconds += digit * scale
                scale /= 10
                index += 1
            }
        }
        let total = seconds * 1_000_000_000 + nanoseconds
        return negative ? -total : total
    }

    private static func digit(_ byte: UInt8) -> Int64? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int64(byte - UInt8(ascii: "0")) : nil
    }
}
