#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CANCore
import SystemIO

/// A capture written whole or not at all: into a temporary file beside `path`
/// (`.NAME.PID.partial`), renamed over `path` by `commit()`. A conversion that fails half-way
/// calls `discard()` (a writer dropped uncommitted does the same): the temporary file is
/// removed and `path` is as it was — absent, or the file it was before.
///
/// Only a regular file (or nothing) at `path` is replaced this way; standard output, a
/// device or a FIFO is written directly, and a symbolic link is refused like every output.
///
/// A file that is replaced keeps what `cp` keeps when it overwrites one: its permission bits
/// (a 0600 capture stays 0600, set on the temporary file before anything is written), and
/// its owner and group where this process may give them (root, or the owner itself; else
/// the new file belongs to whoever converted). A file this process may not write is refused
/// as `cp` refuses it, although renaming over it would work. A new file gets 0644.
public final class ReplacingCaptureWriter {
    public let path: String
    public var format: CaptureFormat { writer.format }
    private let writer: CaptureWriter
    /// The temporary file, or nil when writing `path` directly.
    private let temporary: String?
    private var finished = false

    public init(path: String, format: CaptureFormat? = nil) throws(CaptureError) {
        self.path = path
        let chosen = format ?? CaptureFormat.fromExtension(of: path) ?? .candumpLog
        var info = stat()
        let exists = path != "-" && lstat(path, &info) == 0
        if exists && (info.st_mode & S_IFMT) == S_IFLNK {
            throw CaptureError(file: path, message: "cannot create: it is a symbolic link (candor does not write through links)")
        }
        guard path != "-" && (!exists || (info.st_mode & S_IFMT) == S_IFREG) else {
            temporary = nil
            writer = try CaptureWriter(path: path, format: chosen)
            return
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        if exists && access(path, W_OK) != 0 {
            throw CaptureError(file: path, message: "cannot replace: \(SystemError.last("access").reason)")
        }
        let temporary = "\(directory).\(name).\(getpid()).partial"
        self.temporary = temporary
        do {
            writer = try CaptureWriter(path: temporary, format: chosen, gzip: CaptureFormat.isGzipPath(path))
        } catch {
            throw Self.named(error, temporary: temporary, path: path)
        }
        if exists {
            do { try Self.give(temporary, theModeOf: info) } catch {
                discard()
                throw Self.named(error, temporary: temporary, path: path)
            }
        }
    }

    /// The replaced file's permission bits, and its owner and group where allowed (`EPERM`
    /// for a user who is not the owner: the file stays theirs, as with any rename-based editor).
    private static func give(_ temporary: String, theModeOf original: stat) throws(CaptureError) {
        let file: FileDescriptor
        do { file = try FileDescriptor.open(temporary, O_RDONLY | O_NOFOLLOW) } catch {
            throw CaptureError(file: temporary, message: "cannot open to set its mode: \(error.reason)")
        }
        let fd = file.rawValue
        let created: stat
        do { created = try file.status() } catch { throw CaptureError(file: temporary, message: "cannot stat: \(error.reason)") }
        if created.st_uid != original.st_uid || created.st_gid != original.st_gid {
            do { _ = try Syscall.retrying("fchown") { fchown(fd, original.st_uid, original.st_gid) } } catch {
                guard error.code == EPERM else { throw CaptureError(file: temporary, message: "cannot set owner: \(error.reason)") }
                // Not root: the group at least, when this user is in it.
                do { _ = try Syscall.retrying("fchown") { fchown(fd, uid_t.max, original.st_gid) } } catch {
                    // EPERM: not in that group either, so the file keeps this user's group.
                    guard error.code == EPERM else { throw CaptureError(file: temporary, message: "cannot set group: \(error.reason)") }
                }
            }
        }
        do { _ = try Syscall.retrying("fchmod") { fchmod(fd, original.st_mode & 0o777) } } catch {
            throw CaptureError(file: temporary, message: "cannot set mode: \(error.reason)")
        }
        do { try file.close() } catch { throw CaptureError(file: temporary, message: "cannot close: \(error.reason)") }
    }

    public func write(_ frame: CANFrame) throws(CaptureError) {
        do { try writer.write(frame) } catch { throw renamed(error) }
    }

    /// Closes the capture and puts it at `path`; on failure the temporary file is removed.
    public func commit() throws(CaptureError) {
        guard !finished else { return }
        do { try writer.close() } catch {
            discard()
            throw renamed(error)
        }
        finished = true
        guard let temporary else { return }
        do throws(SystemError) { try Syscall.rename(temporary, to: path) } catch {
            let reason = error.reason
            finished = false
            let leftover = discard().map { "; \($0)" } ?? ""
            throw CaptureError(file: path, message: "cannot replace: \(reason)\(leftover)")
        }
    }

    /// Drops what was written: the temporary file is removed, `path` left as it was. Returns
    /// why the temporary file could not be removed, if it could not.
    @discardableResult
    public func discard() -> String? {
        guard !finished else { return nil }
        finished = true
        try? writer.close()
        guard let temporary else { return nil }
        do { try Syscall.unlinkIfPresent(temporary) } catch { return "\(temporary): cannot remove: \(error.reason)" }
        return nil
    }

    deinit { discard() }

    private func renamed(_ error: CaptureError) -> CaptureError {
        guard let temporary else { return error }
        return Self.named(error, temporary: temporary, path: path)
    }

    private static func named(_ error: CaptureError, temporary: String, path: String) -> CaptureError {
        var error = error
        if error.file == temporary { error.file = path }
        return error
    }
}
