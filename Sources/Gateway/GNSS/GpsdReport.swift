import Telemetry

/// One line of gpsd's JSON protocol (gpsd_json(5)) as the GNSS client reads it: a TPV
/// (time-position-velocity) report's fix mode, latitude, longitude and time; any other class
/// (VERSION, DEVICES, WATCH, SKY, …) only by its name.
///
///     {"class":"TPV","device":"/dev/pts/3","mode":3,"time":"2026-01-01T00:00:12.000Z","lat":31.2012,"lon":121.5012,…}
///
/// A line that is not a JSON object with a `class` string, a TPV without a `mode` of 0–3, or a
/// latitude/longitude that is not a number within ±90°/±180° is `Malformed` (the client counts
/// it and reads on).
enum GpsdReport: Equatable {
    case tpv(TPV)
    case other(String)

    struct TPV: Equatable {
        /// 0 unknown, 1 no fix, 2 2D, 3 3D.
        var mode: Int
        var latitude: Double?
        var longitude: Double?
        /// ISO 8601 UTC, as gpsd sends it (absent without a time).
        var time: String?

        /// A 2D or 3D fix with both coordinates.
        var isFix: Bool { mode >= 2 && latitude != nil && longitude != nil }
    }

    struct Malformed: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    static func parse(_ line: [UInt8]) throws(Malformed) -> GpsdReport {
        let value: JSONValue
        do { value = try JSONParser.parse(line) } catch {
            throw Malformed(description: "not JSON: byte \(error.offset): expected \(error.expected)")
        }
        guard case .string(let name)? = value["class"] else { throw Malformed(description: "no \"class\" string") }
        guard name == "TPV" else { return .other(name) }
        guard case .number(let text)? = value["mode"], let mode = Int(text), (0...3).contains(mode) else {
            throw Malformed(description: "TPV without a mode of 0-3")
        }
        func degrees(_ key: String, _ limit: Double) throws(Malformed) -> Double? {
            switch value[key] {
            case nil, .null?: return nil
            case .number(let text)?:
                guard let v = Double(text), v.isFinite, abs(v) <= limit else { throw Malformed(description: "TPV \(key) \(text) outside ±\(Int(limit))°") }
                return v
            default: throw Malformed(description: "TPV \(key) is not a number")
            }
        }
        var time: String?
        if case .string(let t)? = value["time"] { time = t }
        return .tpv(TPV(mode: mode, latitude: try degrees("lat", 90), longitude: try degrees("lon", 180), time: time))
    }
}

/// gpsd's byte stream cut into lines of at most `maxLine` bytes (the newline not counted). A
/// longer line is dropped whole — up to its newline, however many reads it spans — and counted:
/// a peer that never sends a newline costs `maxLine` bytes of memory, no more.
struct GpsdLineBuffer {
    let maxLine: Int
    private var pending: [UInt8] = []
    /// Inside a line already over the bound: bytes are dropped until its newline.
    private var skipping = false
    private(set) var oversized = 0

    init(maxLine: Int) { self.maxLine = maxLine }

    /// The complete lines `bytes` finish (without their newline; a trailing CR dropped too).
    mutating func append(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: 0x0A) else {
                take(bytes[start...])
                break
            }
            take(bytes[start..<end])
            if skipping {
                skipping = false
            } else {
                if pending.last == 0x0D { pending.removeLast() }
                lines.append(pending)
            }
            pending.removeAll(keepingCapacity: true)
            start = end + 1
        }
        return lines
    }

    private mutating func take(_ part: ArraySlice<UInt8>) {
        guard !skipping else { return }
        if pending.count + part.count > maxLine {
            skipping = true
            oversized += 1
            pending.removeAll(keepingCapacity: true)
        } else {
            pending += part
        }
    }
}
