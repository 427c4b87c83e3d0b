import CZlib

/// Inflates gzip data (one or more members, as `cat a.gz b.gz` makes) from a raw input as
/// it is read, through zlib's `inflate`. A stream that ends before its last member does is
/// reported as truncated; a damaged one as corrupt; bytes after a member that start no
/// other member as junk (the frames after them would be lost), unless they are all zero
/// (block padding, which gzip also ignores).
final class InflatingSource: ByteSource {
    private let raw: RawInput
    private let name: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let staging: UnsafeMutableRawPointer
    private static let stagingSize = 128 * 1024
    private var rawEnded = false
    private var finished = false
    private var members = 0
    private var pending: CaptureError?

    init(raw: RawInput, prefix: [UInt8], name: String) throws(CaptureError) {
        self.raw = raw
        self.name = name
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.stagingSize, alignment: 16)
        prefix.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        let state = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        state.initialize(to: z_stream())
        state.pointee.next_in = buffer.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_in = UInt32(prefix.count)
        // 15 window bits + 16: a gzip header and trailer are required.
        let status = inflateInit2_(state, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            state.deallocate()
            buffer.deallocate()
            throw CaptureError(file: name, message: "zlib could not start inflating (status \(status))")
        }
        staging = buffer
        stream = state
    }

    /// Refills the staging buffer when zlib has used it up; false at the end of the raw input.
    private func refillInput() throws(CaptureError) -> Bool {
        if stream.pointee.avail_in > 0 { return true }
        if rawEnded { return false }
        let got = try raw.read(into: staging, count: Self.stagingSize)
        if got == 0 {
            rawEnded = true
            return false
        }
        stream.pointee.next_in = staging.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_in = UInt32(got)
        return true
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CaptureError) -> Int {
        if let error = pending {
            pending = nil
            finished = true
            throw error
        }
        if finished { return 0 }
        stream.pointee.next_out = buffer.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(min(count, Int(UInt32.max)))
        while true {
            let produced = count - Int(stream.pointee.avail_out)
            guard try refillInput() else {
                if produced > 0 { return produced }
                throw CaptureError(file: name, message: "truncated gzip data: unexpected end of input in gzip member \(members + 1)")
            }
            let status = inflate(stream, Z_NO_FLUSH)
            let total = count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                members += 1
                if try refillInput() {
                    if stream.pointee.next_in.pointee == 0x1F {
                        inflateReset(stream)
                        if total > 0 { return total }
                        continue
                    }
                    do { try expectPadding() } catch {
                        // The bytes inflated so far go out first; the error comes next.
                        guard total == 0 else {
                            pending = error
                            return total
                        }
                        throw error
                    }
                }
                finished = true
                return total
            case Z_OK, Z_BUF_ERROR:
                // inflate stops when the output is full or the input used up; Z_BUF_ERROR means
                // it could make no progress with the input at hand.
                if total > 0 && (stream.pointee.avail_out == 0 || stream.pointee.avail_in == 0) { return total }
                if status == Z_BUF_ERROR && stream.pointee.avail_in > 0 && stream.pointee.avail_out > 0 {
                    throw CaptureError(file: name, message: "corrupt gzip data: zlib made no progress in gzip member \(members + 1)")
                }
            default:
                let text = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw CaptureError(file: name, message: "corrupt gzip data: \(text) in gzip member \(members + 1)")
            }
        }
    }

    /// What follows the last member: zero bytes to the end, or an error.
    private func expectPadding() throws(CaptureError) {
        while try refillInput() {
            let count = Int(stream.pointee.avail_in)
            let bytes = UnsafeBufferPointer(start: stream.pointee.next_in, count: count)
            if let junk = bytes.first(where: { $0 != 0 }) {
                throw CaptureError(
                    file: name,
                    message: "data after gzip member \(members) is not gzip (byte 0x\(String(junk, radix: 16))); "
                        + "the rest of the file cannot be read")
            }
            stream.pointee.avail_in = 0
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        staging.deallocate()
    }
}
