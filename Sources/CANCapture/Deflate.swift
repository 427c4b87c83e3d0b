import CDeflate
import CZlib

/// zlib (RFC 1950) and gzip (RFC 1952) buffers through zlib itself: inflating the collector's
/// payloads and GNSS tracks, gzip for capture chunks, CRC-32. Here because this module is the
/// one that imports zlib. (The uplink's payloads are compressed by `DeflateCompressor`.)
public enum Deflate {
    /// The content of a zlib stream (`DeflateCompressor`'s, or any other), or nil when `bytes`
    /// is not one whole zlib stream or would inflate past `limit` bytes.
    public static func decompress(_ bytes: [UInt8], limit: Int) -> [UInt8]? {
        inflateWhole(bytes, limit: limit)
    }

    /// The content of gzip data (RFC 1952) made of one or more whole members — one `gzip`
    /// file, or several joined (`cat a.gz b.gz`, a logger that appends a member per rotation)
    /// — concatenated, as `gzip -dc` and Python's `gzip` read it; zero bytes after the last
    /// member (block padding) are ignored, as they do. Inflated through the capture readers'
    /// `InflatingSource`, so the errors are theirs, with `name`: a member cut short is
    /// "truncated gzip data", damaged data "corrupt gzip data", other bytes after a member
    /// "data after gzip member N is not gzip"; and more than `limit` bytes inflated stops with
    /// an error.
    public static func gunzip(_ bytes: [UInt8], limit: Int, name: String) throws(CaptureError) -> [UInt8] {
        guard bytes.starts(with: [0x1F, 0x8B]) else {
            throw CaptureError(file: name, message: "not gzip data (no magic 1f 8b)")
        }
        let source = try makeByteSource(raw: MemoryInput(bytes: bytes), name: name)
        let chunkSize = 64 * 1024
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        var out: [UInt8] = []
        while true {
            let got = try source.read(into: chunk, count: chunkSize)
            if got == 0 { return out }
            out.append(contentsOf: UnsafeRawBufferPointer(start: chunk, count: got))
            if out.count > limit {
                let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
                throw CaptureError(file: name, message: "gzip data inflates to more than \(size)")
            }
        }
    }

    private static func inflateWhole(_ bytes: [UInt8], limit: Int) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        return input.withUnsafeMutableBufferPointer { i -> [UInt8]? in
            stream.next_in = i.baseAddress
            stream.avail_in = uInt(i.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { c -> (Int32, Int) in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, c.count - Int(stream.avail_out))
                }
                out.append(contentsOf: chunk[0..<produced])
                if out.count > limit { return nil }
                if status == Z_STREAM_END { return stream.avail_in == 0 ? out : nil }
                if status != Z_OK || (produced == 0 && stream.avail_in == 0) { return nil }
            }
        }
    }
}

/// One libdeflate compressor kept for many one-shot compressions into the zlib format (RFC
/// 1950, first byte 0x78, what zlib's `inflate` and Python's `zlib.decompress` read) — for the
/// uplink, which compresses a payload of some kilobytes per kind every window close, where the
/// compression is the largest part of its CPU. libdeflate compresses a whole buffer in one call, and at
/// its level 1 does it in about half the time of zlib's level 3 and into fewer bytes (the
/// van's 65 uplink messages of an hour, 853,263 bytes of JSON: zlib 3 4.0 ms → 132,282 bytes,
/// libdeflate 1 2.1 ms → 129,427 bytes; Debian's zlib 1.2.13 and libdeflate 1.14 on the
/// EPYC of the README). Its bytes are not zlib's: a reader inflates them, never compares.
///
/// The compressor's state (its hash tables) is allocated once, not per call. One owner (a
/// thread's encoder) calls `compress` one call at a time.
public final class DeflateCompressor {
    /// libdeflate's level: 1 fast … 12 small (0: stored, not compressed).
    public let level: Int32
    private let compressor: OpaquePointer

    public init(level: Int32 = 1) {
        precondition((0...12).contains(level), "libdeflate levels are 0 to 12, not \(level)")
        self.level = level
        guard let compressor = libdeflate_alloc_compressor(level) else {
            fatalError("libdeflate_alloc_compressor(\(level)) failed: out of memory")
        }
        self.compressor = compressor
    }

    deinit {
        libdeflate_free_compressor(compressor)
    }

    /// `bytes` compressed, zlib-framed (first byte 0x78).
    public func compress(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let bound = libdeflate_zlib_compress_bound(compressor, bytes.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            count = libdeflate_zlib_compress(compressor, bytes.baseAddress, bytes.count, out.baseAddress, out.count)
            // Zero means "did not fit", which the bound rules out.
            precondition(count > 0, "libdeflate_zlib_compress into a buffer of its bound's size failed")
        }
    }

    public func compress(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { compress($0) }
    }
}

extension Deflate {
    /// `bytes` as one gzip member (RFC 1952: what `gzip` and Python's `gzip` read), at `level`.
    public static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed (status \(status))")
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o -> Int in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate into a buffer of deflateBound's size did not finish (status \(status))")
                return o.count - Int(stream.avail_out)
            }
        }
        out.removeSubrange(produced...)
        return out
    }

    /// The CRC-32 of `bytes` (the one gzip and zip use; Python's `zlib.crc32`).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        UInt32(bytes.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) })
    }
}
