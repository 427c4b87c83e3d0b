/// A fault to inject, as written on the command line: `KIND[:TARGET]@TIME[+DURATION]`.
///
/// - `TIME` and `DURATION` are seconds from the capture's start, optionally with a unit:
///   `90`, `90s`, `1.5m`, `2h`.
/// - `TARGET` names what the fault hits where that is a choice: the ECU (a DBC sender,
///   e.g. `silent-ecu:BMS@60+10`) or the interface (`bus-off:can1@30`). Without it the
///   vehicle's default is used.
public struct FaultSpec: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, CaseIterable, Sendable, Hashable {
        /// The battery heats past its limits: every probe reads high and the BMS raises the
        /// over-temperature alarm for the whole episode.
        case overTemperature = "over-temperature"
        /// Insulation resistance falls below 500 Ω/V; the BMS raises the insulation alarm.
        case insulationDrop = "insulation-drop"
        /// One ECU stops sending: all of its messages are absent for the episode.
        case silentECU = "silent-ecu"
        /// The capturing controller sees a burst of error frames, goes bus-off (nothing
        /// received on that interface) and restarts at the episode's end.
        case busOff = "bus-off"
        /// Every protected message carries a wrong checksum during the episode.
        case badChecksum = "bad-checksum"
        /// Every protected message's rolling counter skips a value during the episode.
        case counterJump = "counter-jump"

        /// The episode length when the spec gives none, seconds.
        public var defaultDuration: Double {
            switch self {
            case .overTemperature, .insulationDrop: return 60
            case .silentECU: return 10
            case .busOff: return 2
            case .badChecksum: return 5
            case .counterJump: return 1
            }
        }
    }

    public var kind: Kind
    public var target: String?
    /// Seconds from the capture's start.
    public var start: Double
    public var duration: Double

    public init(kind: Kind, target: String? = nil, start: Double, duration: Double? = nil) {
        self.kind = kind
        self.target = target
        self.start = start
        self.duration = duration ?? kind.defaultDuration
    }

    public var end: Double { start + duration }

    public var description: String {
        "\(kind.rawValue)\(target.map { ":\($0)" } ?? "")@\(start)+\(duration)"
    }

    /// Why a fault spec could not be read.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "invalid fault '\(text)': \(reason)" }
    }

    /// Reads `KIND[:TARGET]@TIME[+DURATION]`.
    public init(parsing text: String) throws(ParseError) {
        guard let at = text.firstIndex(of: "@") else {
            throw ParseError(text: text, reason: "expected KIND@TIME[+DURATION], found no '@'")
        }
        let head = text[..<at]
        let tail = text[text.index(after: at)...]
        let kindText: Substring
        if let colon = head.firstIndex(of: ":") {
            kindText = head[..<colon]
            let targetText = head[head.index(after: colon)...]
            guard !targetText.isEmpty else { throw ParseError(text: text, reason: "empty target after ':'") }
            target = String(targetText)
        } else {
            kindText = head
            target = nil
        }
        guard let kind = Kind(rawValue: String(kindText)) else {
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ParseError(text: text, reason: "unknown kind '\(kindText)', expected one of \(known)")
        }
        self.kind = kind
        let parts = tail.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)
        guard let start = Self.seconds(parts[0]), start >= 0 else {
            throw ParseError(text: text, reason: "expected a time like 90, 90s, 1.5m or 2h after '@', found '\(parts[0])'")
        }
        self.start = start
        if parts.count == 2 {
            guard let duration = Self.seconds(parts[1]), duration > 0 else {
                throw ParseError(text: text, reason: "expected a positive duration after '+', found '\(parts[1])'")
            }
            self.duration = duration
        } else {
            self.duration = kind.defaultDuration
        }
    }

    /// `90`, `90s`, `1.5m`, `2h` → seconds.
    public static func seconds<S: StringProtocol>(_ text: S) -> Double? {
        var number = Substring(text)
        var scale = 1.0
        switch number.last {
        case "s": number = number.dropLast()
        case "m": number = number.dropLast(); scale = 60
        case "h": number = number.dropLast(); scale = 3600
        default: break
        }
        guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
        return value * scale
    }
}
