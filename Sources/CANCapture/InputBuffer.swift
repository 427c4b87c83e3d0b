#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed buffer over a byte source: lines for text formats, byte runs for binary ones.
///
/// Memory stays constant whatever the input size: one buffer of `chunkSize + maxRecord`
/// bytes, refilled in place. A text line longer than `maxLineLength` is skipped without
/// being kept and reported as `.overlong`.
final class InputBuffer {
    /// How much one refill asks the source for, at least.
    static let chunkSize = 256 * 1024
    /// The longest text line kept; longer lines are malformed.
    static let maxLineLength = 64 * 1024
    /// The largest binary record `bytes(count:)` can return.
    static let maxRecord = 256 * 1024

    private let source: ByteSource
    private let storage: UnsafeMutableRawPointer
    private let capacity: Int
    private var start = 0
    private var end = 0
    private(set) var atEndOfInput = false
    /// Total bytes consumed before `start`: the input offset of the next unread byte.
    private(set) var consumed = 0

    enum Line {
        /// The line without its `\n` (and without a `\r` before it); valid until the next call.
        case text(UnsafeBufferPointer<UInt8>)
        /// A line longer than `maxLineLength`, skipped.
        case overlong
    }

    /// `inputSize`: the exact number of bytes `source` yields, when known (bytes held in
    /// memory, not inflated); the buffer is then no larger than the whole input plus one
    /// byte, so the last read (returning 0) still has room and reading a small capture does
    /// not map half a megabyte.
    init(source: ByteSource, inputSize: Int? = nil) {
        self.source = source
        let full = Self.chunkSize + Self.maxRecord
        capacity = inputSize.map { min(full, max($0, 0) + 1) } ?? full
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Bytes buffered and not yet consumed.
    var available: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage + start, count: end - start) }

    /// Reads until at least `count` bytes are buffered or the input ends. Returns whether
    /// `count` bytes are available. `count` must be at most `maxRecord`.
    @discardableResult
    func fill(atLeast count: Int) throws(CaptureError) -> Bool {
        precondition(count <= Self.maxRecord, "record larger than the input buffer")
        while end - start < count && !atEndOfInput {
            try refill()
        }
        return end - start >= count
    }

    /// Moves the unread tail to the front and reads more after it.
    private func refill() throws(CaptureError) {
        if start > 0 {
            let tail = end - start
            if tail > 0 { memmove(storage, storage + start, tail) }
            start = 0
            end = tail
        }
        let room = capacity - end
        guard room > 0 else { return }
        let got = try source.read(into: storage + end, count: room)
        if got == 0 { atEndOfInput = true }
        end += got
    }

    /// The next `count` bytes, consumed; nil when the input ends first (then what was left
    /// is consumed too). Valid until the next call.
    func bytes(count: Int) throws(CaptureError) -> UnsafeRawBufferPointer? {
        guard try fill(atLeast: count) else {
            consumed += end - start
            start = end
            return nil
        }
        let run = UnsafeRawBufferPointer(start: storage + start, count: count)
        start += count
        consumed += count
        return run
    }

    /// Consumes `count` bytes without keeping them (any size). Returns false when the input
    /// ended first.
    func skip(count: Int) throws(CaptureError) -> Bool {
        var left = count
        while left > 0 {
            if start == end {
                if atEndOfInput { return false }
                try refill()
                continue
            }
            let n = min(left, end - start)
            start += n
            consumed += n
            left -= n
        }
        return true
    }

    /// The next line, or nil at the end of the input.
    func nextLine() throws(CaptureError) -> Line? {
        var searchFrom = start
        while true {
            if searchFrom < end, let hit = memchr(storage + searchFrom, 0x0A, end - searchFrom) {
                let newline = storage.distance(to: hit)
                let line = makeLine(from: start, to: newline)
                consumed += newline + 1 - start
                start = newline + 1
                return line
            }
            if atEndOfInput {
                guard start < end else { return nil }
                let line = makeLine(from: start, to: end)
                consumed += end - start
                start = end
                return line
            }
            if end - start > Self.maxLineLength {
                try skipRestOfLine()
                return .overlong
            }
            searchFrom = end - start
            try refill()
        }
    }

    private func makeLine(from lineStart: Int, to lineEnd: Int) -> Line {
        var stop = lineEnd
        if stop > lineStart && storage.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0D { stop -= 1 }
        if stop - lineStart > Self.maxLineLength { return .overlong }
        let base = (storage + lineStart).assumingMemoryBound(to: UInt8.self)
        return .text(UnsafeBufferPointer(start: base, count: stop - lineStart))
    }

    /// Drops bytes up to and including the next newline (or to the end of the input).
    private func skipRestOfLine() throws(CaptureError) {
        while true {
            if start < end, let hit = memchr(storage + start, 0x0A, end - start) {
                let newline = storage.distance(to: hit)
                consumed += newline + 1 - start
                start = newline + 1
                return
            }
            consumed += end - start
            start = end
            if atEndOfInput { return }
            try refill()
        }
    }
}
