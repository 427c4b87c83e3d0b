import CANCapture
import CANCore
#if canImport(Glibc)
import Glibc
#endif

/// Buffered writes to a file descriptor (stdout, stderr) without Foundation.
struct LiveOutput {
    let descriptor: Int32
    private(set) var buffer: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// `frame` as a candump `-L` line (`(1700000000.123456) vcan0 123#11223344`), as
    /// candump prints it and candor's recordings hold it.
    mutating func append(_ frame: CANFrame) {
        CandumpLogFormatter.appendLine(frame, to: &buffer)
        if buffer.count >= 1 << 15 { flush() }
    }

    mutating func flush() {
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { break } }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
