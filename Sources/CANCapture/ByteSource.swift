import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `close(2)`, callable from types that have a `close()` method of their own.
func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

/// Where a reader's bytes come from, already decompressed.
protocol ByteSource: AnyObject {
    /// Reads up to `count` bytes into `buffer`; returns 0 only at the end of the input.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CaptureError) -> Int
}

/// A file or standard input read through zlib's `gzread`, which passes plain files through
/// unchanged and inflates gzip files (several members too). The one owner of the handle.
final class GzipFileSource: ByteSource {
    private var handle: gzFile?
    private let name: String

    /// Opens `path`, or standard input when `path` is `-`.
    init(path: String) throws(CaptureError) {
        name = path
        let opened: gzFile?
        if path == "-" {
            let fd = dup(STDIN_FILENO)
            guard fd >= 0 else {
                throw CaptureError(file: path, message: "cannot read standard input: \(String(cString: strerror(errno)))")
            }
            opened = gzdopen(fd, "rb")
            if opened == nil { closeDescriptor(fd) }
        } else {
            var status = stat()
            if stat(path, &status) != 0 {
                throw CaptureError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
            }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                throw CaptureError(file: path, message: "cannot open: is a directory")
            }
            errno = 0
            opened = gzopen(path, "rb")
        }
        guard let opened else {
            let reason = errno != 0 ? String(cString: strerror(errno)) : "zlib could not allocate its state"
            throw CaptureError(file: path, message: "cannot open: \(reason)")
        }
        // A large zlib buffer means few read(2) calls and long inflate runs.
        gzbuffer(opened, 256 * 1024)
        handle = opened
    }

    /// zlib's message without the `path: ` it puts in front.
    private func zlibMessage(_ handle: gzFile, _ code: inout Int32) -> String {
        var text = gzerror(handle, &code).map { String(cString: $0) } ?? "unknown zlib error"
        if text.hasPrefix(name + ": ") { text.removeFirst(name.count + 2) }
        return text
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CaptureError) -> Int {
        guard let handle else { return 0 }
        let got = gzread(handle, buffer, UInt32(min(count, Int(Int32.max))))
        if got < 0 {
            var code: Int32 = 0
            let text = zlibMessage(handle, &code)
            if code == Z_ERRNO {
                throw CaptureError(file: name, message: "read failed: \(String(cString: strerror(errno)))")
            }
            if code == Z_BUF_ERROR {
                throw CaptureError(file: name, message: "truncated gzip data: \(text)")
            }
            throw CaptureError(file: name, message: "corrupt gzip data: \(text)")
        }
        if got == 0 {
            // gzread reports a truncated gzip stream as a plain end of input plus an error state.
            var code: Int32 = 0
            let text = zlibMessage(handle, &code)
            if code != Z_OK && code != Z_STREAM_END {
                throw CaptureError(file: name, message: "truncated or corrupt gzip data: \(text)")
            }
        }
        return Int(got)
    }

    deinit {
        if let handle { gzclose_r(handle) }
    }
}

/// Bytes in memory; gzip data (magic `1f 8b`) is inflated as it is read.
final class MemorySource: ByteSource {
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private var offset = 0
    private var inflater: UnsafeMutablePointer<z_stream>?
    private var finished = false
    private let name: String

    init(bytes input: [UInt8], name: String) throws(CaptureError) {
        self.name = name
        bytes = .allocate(capacity: max(input.count, 1))
        _ = bytes.initialize(from: input)
        if input.count >= 2 && input[0] == 0x1F && input[1] == 0x8B {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            stream.pointee.next_in = bytes.baseAddress
            stream.pointee.avail_in = UInt32(input.count)
            // 15 window bits + 32: accept a gzip or zlib header.
            let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                bytes.deallocate()
                throw CaptureError(file: name, message: "zlib could not start inflating (status \(status))")
            }
            inflater = stream
        } else {
            offset = 0
        }
        totalCount = input.count
    }

    private let totalCount: Int

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CaptureError) -> Int {
        guard let stream = inflater else {
            let n = min(count, totalCount - offset)
            if n > 0 {
                buffer.copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
                offset += n
            }
            return n
        }
        if finished { return 0 }
        stream.pointee.next_out = buffer.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(min(count, Int(UInt32.max)))
        while true {
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                // Another gzip member may follow (as `cat a.gz b.gz` makes).
                if stream.pointee.avail_in > 0 && inflateReset(stream) == Z_OK {
                    if produced > 0 { return produced }
                    continue
                }
                finished = true
                return produced
            case Z_OK:
                if produced > 0 { return produced }
            case Z_BUF_ERROR:
                if produced > 0 { return produced }
                throw CaptureError(file: name, message: "truncated gzip data: unexpected end of input")
            default:
                let text = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw CaptureError(file: name, message: "corrupt gzip data: \(text)")
            }
        }
    }

    deinit {
        if let inflater {
            inflateEnd(inflater)
            inflater.deallocate()
        }
        bytes.deallocate()
    }
}
