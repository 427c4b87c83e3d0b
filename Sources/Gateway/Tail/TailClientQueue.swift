/// One `candor tail` client's backlog: at most `capacity` lines. When full, the oldest line
/// is dropped and counted; the count goes out in-band, as `{"missed":N}`, in front of the
/// first line sent after the gap. This is the only place the tail hub drops data.
struct TailClientQueue {
    private var lines: [[UInt8]]
    private var head = 0
    private(set) var count = 0
    private(set) var missed: UInt64 = 0
    /// Every line dropped from this queue, for statistics.
    private(set) var totalMissed: UInt64 = 0

    init(capacity: Int) {
        precondition(capacity > 0, "tail client capacity must be positive")
        lines = Array(repeating: [], count: capacity)
    }

    /// Appends `line` (without its newline), dropping the oldest when full.
    mutating func push(_ line: [UInt8]) {
        if count == lines.count {
            lines[head] = []
            head = (head + 1) % lines.count
            count -= 1
            missed += 1
            totalMissed += 1
        }
        lines[(head + count) % lines.count] = line
        count += 1
    }

    /// Moves queued lines, newline-terminated, into `out` until it holds at least `limit` bytes;
    /// a pending missed count goes first.
    mutating func take(into out: inout [UInt8], limit: Int) {
        if missed > 0 {
            out.append(contentsOf: "{\"missed\":\(missed)}\n".utf8)
            missed = 0
        }
        while count > 0 && out.count < limit {
            out.append(contentsOf: lines[head])
            out.append(UInt8(ascii: "\n"))
            lines[head] = []
            head = (head + 1) % lines.count
            count -= 1
        }
    }

    var isEmpty: Bool { count == 0 && missed == 0 }
}
