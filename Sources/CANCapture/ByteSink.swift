import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemIO

/// A file or standard output written through zlib: gzip-compressed, or plain (zlib's
/// transparent `T` mode). The one owner of the handle.
///
/// Compression level 1: on a 2 M-line candump log with random payloads it wrote 1.75 M
/// frames per CPU second for 36.0 MB, where level 6 (gzip's default) wrote 0.69 M for
/// 32.3 MB. A gateway recording live buses needs the CPU more than the 10 %.
final class GzipFileSink {
    private var handle: gzFile?
    private let name: String

    init(path: String, gzip: Bool) throws(CaptureError) {
        name = path
        let mode = gzip ? "wb1" : "wbT"
        let fd: FileDescriptor
        if path == "-" {
            do {
                fd = try .duplicate(STDOUT_FILENO)
            } catch {
                throw CaptureError(file: path, message: "cannot write standard output: \(error.reason)")
            }
        } else {
            // Created here rather than by gzopen: never through a symbolic link (O_NOFOLLOW),
            // so a link planted at a recording's path cannot redirect the write.
            do {
                fd = try .open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode: 0o644)
            } catch {
                let reason = error.code == ELOOP ? "it is a symbolic link (candor does not write through links)" : error.reason
                throw CaptureError(file: path, message: "cannot create: \(reason)")
            }
        }
        errno = 0
        // zlib takes the descriptor only when it returns a handle.
        guard let opened = gzdopen(fd.rawValue, mode) else {
            let reason = errno != 0 ? SystemError.text(errno) : "zlib could not allocate its state"
            throw CaptureError(file: path, message: "cannot create: \(reason)")
        }
        _ = fd.release()
        gzbuffer(opened, 256 * 1024)
        handle = opened
    }

    func write(_ bytes: [UInt8]) throws(CaptureError) {
        guard let handle else {
            throw CaptureError(file: name, message: "write after close")
        }
        guard bytes.count > 0 else { return }
        let written = bytes.withUnsafeBytes { raw in gzwrite(handle, raw.baseAddress, UInt32(raw.count)) }
        if written <= 0 {
            var code: Int32 = 0
            let text = gzerror(handle, &code).map { String(cString: $0) } ?? "unknown zlib error"
            let reason = code == Z_ERRNO ? SystemError.text(errno) : text
            throw CaptureError(file: name, message: "write failed: \(reason)")
        }
    }

    func close() throws(CaptureError) {
        guard let handle else { return }
        self.handle = nil
        let status = gzclose_w(handle)
        if status != Z_OK {
            let reason = status == Z_ERRNO ? SystemError.text(errno) : "zlib status \(status)"
            throw CaptureError(file: name, message: "close failed: \(reason)")
        }
    }

    deinit {
        if let handle { gzclose_w(handle) }
    }
}
