#if canImport(Glibc)
import Glibc
#endif

/// Buffered writes to a file descriptor (stdout by default). One owner; flushes when the
/// buffer passes 64 KiB and at `flush()`.
final class OutputBuffer {
    private let fd: Int32
    var bytes: [UInt8] = []

    init(fileDescriptor: Int32 = 1) {
        self.fd = fileDescriptor
        bytes.reserveCapacity(1 << 17)
    }

    deinit { flush() }

    @inline(__always)
    func flushIfFull() {
        if bytes.count >= 1 << 16 { flush() }
    }

    func write(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        flushIfFull()
    }

    func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // EPIPE and friends: the reader went away; nothing more to do
                }
                offset += n
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

enum Terminal {
    /// Writes a line to stderr, unbuffered.
    static func printError(_ line: String) {
        var text = line
        if !text.hasSuffix("\n") { text += "\n" }
        _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }
}
