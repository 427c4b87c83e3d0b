#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemIO

/// A capture's bytes as stored (perhaps gzip-compressed).
protocol RawInput: AnyObject {
    /// Reads up to `count` bytes into `buffer`; returns 0 only at the end. May return fewer
    /// bytes than asked for whenever fewer are ready (a pipe), so lines reach the reader as
    /// soon as they arrive.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CaptureError) -> Int
}

/// A file or standard input, read with `read(2)`. The one owner of the descriptor.
final class DescriptorInput: RawInput {
    private let descriptor: FileDescriptor
    private let name: String

    /// Opens `path` for reading, or duplicates standard input when `path` is `-`.
    init(path: String) throws(CaptureError) {
        name = path
        if path == "-" {
            do {
                descriptor = try .duplicate(STDIN_FILENO)
            } catch {
                throw CaptureError(file: path, message: "cannot read standard input: \(error.reason)")
            }
            return
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw CaptureError(file: path, message: "cannot open: \(SystemError.last("stat").reason)")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw CaptureError(file: path, message: "cannot open: is a directory")
        }
        do {
            descriptor = try .open(path, O_RDONLY)
        } catch {
            throw CaptureError(file: path, message: "cannot open: \(error.reason)")
        }
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CaptureError) -> Int {
        do {
            return try descriptor.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: count))
        } catch {
            throw CaptureError(file: name, message: "read failed: \(error.reason)")
        }
    }
}

/// Bytes held in memory.
final class MemoryInput: RawInput {
    private let bytes: [UInt8]
    private var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(CaptureError) -> Int {
        let n = min(count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}
