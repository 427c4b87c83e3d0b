#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSocketCAN
import Synchronization
import SystemIO

/// The one place the SocketCAN module calls libsocketcan.
///
/// libsocketcan prints its own diagnostics to stderr ("RTNETLINK answers: …", "no link data
/// found") and has no switch to silence them. Each call here points fd 2 at a pipe for its
/// duration and returns what was printed, so the caller can put it into the error instead of
/// the daemon's log. fd 2 is process-wide: anything another thread writes to stderr during
/// such a call (a few milliseconds of netlink round trip) is captured and discarded too. The
/// lock below is process-wide for the same reason.
enum SocketCANLibrary {
    /// Held for each call: fd 2 is redirected by one call at a time.
    private static let stderrLock = Mutex(())

    /// Runs `body` (a libsocketcan call returning 0 or -1) with stderr captured.
    static func call(_ body: () -> CInt) -> (result: CInt, errno: Errno?, printed: String) {
        stderrLock.withLock { _ in
            let pipeEnds = try? Syscall.makePipe().get()
            var savedStderr: CInt = -1
            if let pipeEnds, case .success(let saved) = Syscall.duplicate(2) {
                savedStderr = saved
                _ = Syscall.duplicate(pipeEnds.write, onto: 2)
            }
            errno = 0
            let result = body()
            let callErrno = errno
            fflush(nil)
            var printed = ""
            if savedStderr >= 0 {
                _ = Syscall.duplicate(savedStderr, onto: 2)
                Syscall.close(savedStderr)
            }
            if let pipeEnds {
                Syscall.close(pipeEnds.write)
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = buffer.withUnsafeMutableBytes { (try? Syscall.read(pipeEnds.read, into: $0).get()) ?? 0 }
                if count > 0 { printed = String(decoding: buffer[0..<count], as: UTF8.self) }
                Syscall.close(pipeEnds.read)
            }
            let trimmed = printed.split(whereSeparator: \.isNewline).joined(separator: "; ")
            return (result, result == 0 || callErrno == 0 ? nil : Errno(rawValue: callErrno), trimmed)
        }
    }
}
