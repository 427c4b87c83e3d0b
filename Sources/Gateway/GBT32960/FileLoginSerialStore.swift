#if canImport(Glibc)
import Glibc
#endif
import GBT32960

/// The day's login serial in a small file (`yyyymmdd serial`), replaced atomically (write a
/// temporary file, fsync, rename), so a restart continues the count and never reuses a serial.
public final class FileLoginSerialStore: LoginSerialStore {
    public let path: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) { self.path = path }

    /// nil when the file is missing or unreadable (the session then starts the day at 1).
    public func load() -> LoginSerial? {
        guard let text = try? TextFile.read(path) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 2, let day = Int(parts[0]), let serial = UInt16(parts[1]) else { return nil }
        return LoginSerial(day: day, serial: serial)
    }

    public func save(_ serial: LoginSerial) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Failure(description: "\(temporary): cannot open: \(String(cString: strerror(errno)))") }
        let bytes = Array("\(serial.day) \(serial.serial)\n".utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                if close(fd) != 0 { /* the write error is the one reported */ }
                throw Failure(description: "\(temporary): cannot write: \(reason)")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            if close(fd) != 0 { /* the fsync error is the one reported */ }
            throw Failure(description: "\(temporary): fsync: \(reason)")
        }
        guard close(fd) == 0 else { throw Failure(description: "\(temporary): close: \(String(cString: strerror(errno)))") }
        guard rename(temporary, path) == 0 else { throw Failure(description: "\(path): rename: \(String(cString: strerror(errno)))") }
    }
}
