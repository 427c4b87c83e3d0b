#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a reader's bytes come from, already decompressed.
protocol ByteSource: AnyObject {
    /// Reads up to `count` bytes into `buffer`; returns 0 only at the end of the input.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CaptureError) -> Int
}

/// Opens the right source for a capture's stored bytes: gzip data (magic `1f 8b`) is
/// inflated as it is read, anything else passes through. Reads only the two magic bytes
/// before deciding, so a pipe is not waited on.
func makeByteSource(raw: RawInput, name: String) throws(CaptureError) -> ByteSource {
    let magic = UnsafeMutableRawPointer.allocate(byteCount: 2, alignment: 1)
    defer { magic.deallocate() }
    var have = 0
    while have < 2 {
        let got = try raw.read(into: magic + have, count: 2 - have)
        if got == 0 { break }
        have += got
    }
    let prefix = Array(UnsafeRawBufferPointer(start: magic, count: have))
    if prefix == [0x1F, 0x8B] {
        return try InflatingSource(raw: raw, prefix: prefix, name: name)
    }
    return PassThroughSource(raw: raw, prefix: prefix)
}

/// Stored bytes returned as they are, after the few bytes read to decide.
final class PassThroughSource: ByteSource {
    private let raw: RawInput
    private var prefix: [UInt8]

    init(raw: RawInput, prefix: [UInt8]) {
        self.raw = raw
        self.prefix = prefix
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CaptureError) -> Int {
        if !prefix.isEmpty {
            let n = min(count, prefix.count)
            prefix.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: n) }
            prefix.removeFirst(n)
            return n
        }
        return try raw.read(into: buffer, count: count)
    }
}
