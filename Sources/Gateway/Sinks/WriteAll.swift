#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes every byte of `bytes` to `fd`, continuing after short writes and `EINTR`.
/// Returns how many bytes went out and the `errno` that stopped it (0 when all did).
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (written: Int, errno: Int32) {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return (offset, errno)
        }
        offset += n
    }
    return (offset, 0)
}
