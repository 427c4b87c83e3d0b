import CZlib

/// Where complete gzip members end in bytes that may still be growing (a `.gz` capture being
/// appended to member by member): what a follower may read now without meeting a cut.
public enum GzipMembers {
    /// The length of the longest prefix of `bytes` made of whole gzip members (0 when the first
    /// is not complete yet). Inflates into a scratch buffer; nothing is kept. Throws when the
    /// data is not gzip or is corrupt.
    public static func completeLength(of bytes: [UInt8], name: String) throws(CaptureError) -> Int {
        guard !bytes.isEmpty else { return 0 }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CaptureError(file: name, message: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        var complete = 0
        var failure: String?
        bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!)
            stream.avail_in = UInt32(input.count)
            scratch.withUnsafeMutableBufferPointer { output in
                while stream.avail_in > 0 {
                    stream.next_out = output.baseAddress
                    stream.avail_out = UInt32(output.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    if status == Z_STREAM_END {
                        complete = input.count - Int(stream.avail_in)
                        guard stream.avail_in > 0 else { return }
                        guard stream.next_in.pointee == 0x1F else {
                            failure = "data after gzip member is not gzip"
                            return
                        }
                        inflateReset(&stream)
                    } else if status == Z_BUF_ERROR {
                        return  // the member goes on past the bytes there are
                    } else if status != Z_OK {
                        failure = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                        return
                    }
                }
            }
        }
        if let failure { throw CaptureError(file: name, message: "corrupt gzip data: \(failure)") }
        return complete
    }
}
