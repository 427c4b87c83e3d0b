/// A binary min-heap of pending transmissions keyed by (time, stream).
///
/// Each key packs the time in nanoseconds since the capture's start into the upper 48 bits
/// (up to 78 hours) and the stream number into the lower 16, so that ties go to the lower
/// stream number and the order is total and reproducible. No allocation after `init`.
struct EventQueue {
    static let maxTime: Int64 = (1 << 48) - 1
    private var keys: [UInt64] = []

    init(capacity: Int) { keys.reserveCapacity(capacity) }

    var isEmpty: Bool { keys.isEmpty }

    static func key(time: Int64, stream: Int) -> UInt64 {
        precondition(time >= 0 && time <= maxTime && stream < 1 << 16, "event out of range")
        return UInt64(time) << 16 | UInt64(stream)
    }

    /// The earliest event.
    var first: (time: Int64, stream: Int)? {
        guard let k = keys.first else { return nil }
        return (Int64(k >> 16), Int(k & 0xFFFF))
    }

    mutating func push(time: Int64, stream: Int) {
        keys.append(Self.key(time: time, stream: stream))
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if keys[parent] <= keys[i] { break }
            keys.swapAt(parent, i)
            i = parent
        }
    }

    /// Replaces the earliest event with a new one (cheaper than pop + push).
    mutating func replaceFirst(time: Int64, stream: Int) {
        precondition(!keys.isEmpty, "empty queue")
        keys[0] = Self.key(time: time, stream: stream)
        siftDown(0)
    }

    mutating func popFirst() {
        precondition(!keys.isEmpty, "empty queue")
        let last = keys.removeLast()
        if !keys.isEmpty {
            keys[0] = last
            siftDown(0)
        }
    }

    private mutating func siftDown(_ start: Int) {
        let n = keys.count
        var i = start
        keys.withUnsafeMutableBufferPointer { k in
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                let r = l + 1
                let child = r < n && k[r] < k[l] ? r : l
                if k[i] <= k[child] { break }
                k.swapAt(i, child)
                i = child
            }
        }
    }
}
