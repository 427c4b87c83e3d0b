/// A numbered series of signals in one message — a pack's cell voltages, its temperature
/// probes: `pattern` holds one run of `#`, which stands for the number 1…`count`, zero-padded
/// to the run's width (`BMS_Cell###_V` with count 384: BMS_Cell001_V … BMS_Cell384_V). The
/// number in the name is the cell's (probe's) 1-based index. The signals may sit in
/// different multiplexed groups of the message (a BMS that sends four cells per frame under a
/// group index): each is found by its name. `canonical = value × scale + offset`, as for
/// `SignalReference`.
public struct NumberedSignals: Sendable, Hashable {
    public var bus: String
    public var message: String
    public var pattern: String
    public var count: Int
    public var scale: Double
    public var offset: Double

    /// Traps when `pattern` is not valid (`isValidPattern`) or `count` < 1: the config decoder checks both.
    public init(bus: String, message: String, pattern: String, count: Int, scale: Double = 1, offset: Double = 0) {
        precondition(Self.isValidPattern(pattern) && count >= 1, "a numbered series needs one run of # and a count ≥ 1")
        self.bus = bus
        self.message = message
        self.pattern = pattern
        self.count = count
        self.scale = scale
        self.offset = offset
    }

    /// Exactly one run of `#`, and something around it or not.
    public static func isValidPattern(_ pattern: String) -> Bool {
        let runs = pattern.split(separator: "#", omittingEmptySubsequences: false).count - 1
        guard runs >= 1 else { return false }
        let first = pattern.firstIndex(of: "#")!, last = pattern.lastIndex(of: "#")!
        return pattern[first...last].allSatisfy { $0 == "#" }
    }

    /// The signal name of number `n` (1-based).
    public func name(_ n: Int) -> String {
        let first = pattern.firstIndex(of: "#")!, last = pattern.lastIndex(of: "#")!
        let width = pattern.distance(from: first, to: last) + 1
        let digits = String(n)
        return String(pattern[..<first]) + String(repeating: "0", count: max(0, width - digits.count)) + digits
            + String(pattern[pattern.index(after: last)...])
    }

    /// Number 1's reference first, then 2's, … `count`'s.
    public var references: [SignalReference] {
        (1...count).map { SignalReference(bus: bus, message: message, signal: name($0), scale: scale, offset: offset) }
    }
}
