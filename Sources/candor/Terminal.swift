#if canImport(Glibc)
import Glibc
#endif
import SystemIO

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
        Terminal.write(bytes, to: fd)
        bytes.removeAll(keepingCapacity: true)
    }
}

enum Terminal {
    /// Writes a line to stderr, unbuffered.
    static func printError(_ line: String) {
        writeStandardError(line.hasSuffix("\n") ? line : line + "\n")
    }

    /// The one way the executable writes to stderr: every byte; a failure (stderr closed, a
    /// full disk under a redirect) leaves nobody to tell, so the rest of the text is given up.
    static func writeStandardError(_ text: String) {
        write(Array(text.utf8), to: 2)
    }

    /// Writes `bytes` to stdout, unbuffered (`OutputBuffer` buffers).
    static func writeStandardOutput(_ bytes: [UInt8]) { write(bytes, to: 1) }

    /// Every byte to `fd`; on EPIPE and friends (the reader went away) the rest is given up.
    static func write(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { raw in _ = Result { () throws(PartialWrite) in try Syscall.writeAll(fd, raw) } }
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }
}

/// The process environment as a dictionary (for `${NAME}` in candor.yaml).
enum Environment {
    static func current() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                out[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            p += 1
        }
        return out
    }
}

extension Terminal {
    /// Rewrites the current stderr line (progress on a terminal); empty text clears it.
    static func printProgress(_ text: String) {
        writeStandardError("\r\u{1B}[K" + text)
    }
}
