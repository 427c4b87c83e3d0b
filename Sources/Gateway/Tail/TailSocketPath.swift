import SystemIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The tail socket's place in the file system: what may be replaced at its path, and who may
/// connect to it.
extension TailHub {
    /// A socket file left by a previous run is removed, but only when it is a socket (lstat:
    /// never a regular file, a directory or a symlink at that path) and nobody answers on it.
    static func removeStaleSocket(at path: String) throws(TailError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw UnixSocket.failure(path, "lstat")
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw TailError(path: path, message: "exists and is not a socket; refusing to replace it (choose another tail.socket path)")
        }
        if let stale = try? UnixSocket.connect(to: path) {
            Syscall.closeAbandoned(stale)  // a socket: only EBADF (a bug) can fail its close
            throw TailError(path: path, message: "another candor is serving this tail socket")
        }
        do { try Syscall.unlinkIfPresent(path) } catch {
            throw UnixSocket.failure(path, SystemError("unlink of the stale socket", code: error.code))
        }
    }

    static func setOwnership(path: String, mode: UInt32, group: String?) throws(TailError) {
        guard chmod(path, mode_t(mode)) == 0 else { throw UnixSocket.failure(path, "chmod") }
        guard let group else { return }
        var gid: gid_t
        if let number = UInt32(group) {
            gid = number
        } else {
            guard let entry = getgrnam(group) else { throw TailError(path: path, message: "no group named \(group)") }
            gid = entry.pointee.gr_gid
        }
        guard chown(path, uid_t.max, gid) == 0 else { throw UnixSocket.failure(path, "chown to group \(group)") }
    }

    /// At shutdown: removes the socket, only if a socket is still what is at the path.
    static func removeOwnSocket(at path: String) throws(SystemError) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return }
        try Syscall.unlinkIfPresent(path)
    }
}
