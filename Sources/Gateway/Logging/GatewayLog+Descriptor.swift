import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension GatewayLog {
    /// An output writing each line with one write(2) to `descriptor`.
    ///
    /// The daemon logs through a duplicate of fd 2 taken at startup: libsocketcan calls point
    /// fd 2 itself at a pipe for their duration (to keep libsocketcan's own prints out of the
    /// log), and a line another thread logs meanwhile must not land in that pipe.
    public static func output(descriptor: Int32) -> @Sendable (String) -> Void {
        { line in writeLine(line, to: descriptor) }
    }

    /// One line, written whole (retried on `EINTR` and short writes).
    static func writeLine(_ line: String, to descriptor: Int32) {
        Array(line.utf8).withUnsafeBytes { raw in
            // A log line that cannot be written has nowhere else to go: the logger drops it.
            do throws(PartialWrite) { try Syscall.writeAll(descriptor, raw) } catch { return }
        }
    }
}
