#if canImport(Glibc)
import Glibc
#endif
import GBT32960
import SystemIO

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
        do throws(SystemError) {
            let file = try FileDescriptor.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode: 0o600)
            let bytes = Array("\(serial.day) \(serial.serial)\n".utf8)
            // On a failed write or fsync the descriptor is closed as it goes away (that error is the one reported).
            let written = bytes.withUnsafeBytes { raw in Result { () throws(PartialWrite) in try file.writeAll(raw) } }
            if case .failure(let failure) = written { throw failure.error }
            _ = try Syscall.retrying("fsync") { fsync(file.rawValue) }
            try file.close()
        } catch {
            throw Failure(description: "\(temporary): \(error)")
        }
        guard rename(temporary, path) == 0 else { throw Failure(description: "\(path): rename: \(SystemError.text(errno))") }
    }
}
