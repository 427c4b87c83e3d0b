#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemIO

/// Whole small text files (configuration), read with libc.
enum TextFile {
    struct Failure: Error, Sendable, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }
    }

    static let maximumSize = YAMLLimits.maximumBytes

    static func read(_ path: String) throws(Failure) -> String {
        let fd: FileDescriptor
        do { fd = try .open(path, O_RDONLY) } catch { throw Failure(path: path, reason: "cannot open: \(error.reason)") }
        let read: [UInt8]?
        do { read = try fd.readAll(limit: maximumSize) } catch { throw Failure(path: path, reason: "cannot read: \(error.reason)") }
        guard let bytes = read else { throw Failure(path: path, reason: "larger than \(maximumSize >> 20) MiB; not a configuration file") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure(path: path, reason: "not UTF-8 text") }
        return text
    }
}
